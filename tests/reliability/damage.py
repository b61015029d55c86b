"""Random byte damage to a copy of a database file, of the kinds a disk or a careless hand does."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

PAGE = 4096
KINDS = ("bytes", "run", "page", "cut")


def damaged_copy(source: Path, target: Path, rng: random.Random) -> str:
    """Copy source to target and damage the copy; what was done, in words (printed on failure)."""
    shutil.copyfile(source, target)
    size = target.stat().st_size
    kind = rng.choice(KINDS)
    with target.open("r+b") as handle:
        if kind == "bytes":  # a few bytes flipped anywhere
            spots = sorted(rng.randrange(size) for _ in range(rng.randint(1, 16)))
            for at in spots:
                handle.seek(at)
                old = handle.read(1)[0]
                handle.seek(at)
                handle.write(bytes([old ^ rng.randint(1, 255)]))
            return f"{len(spots)} bytes changed at {spots}"
        if kind == "run":  # a run of garbage, as a misdirected write leaves
            length = rng.randint(16, PAGE)
            at = rng.randrange(size - length)
            handle.seek(at)
            handle.write(rng.randbytes(length))
            return f"{length} random bytes at {at}"
        if kind == "page":  # a whole page zeroed, as a lost sector reads
            page = rng.randrange(size // PAGE)
            handle.seek(page * PAGE)
            handle.write(bytes(PAGE))
            return f"page {page + 1} zeroed"
        at = rng.randrange(PAGE, size)  # cut short, as a copy that stopped
        handle.truncate(at)
        return f"cut at {at} of {size} bytes"
