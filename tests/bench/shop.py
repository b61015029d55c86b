"""The benchmark shops: a cached synthetic shop of a million warranties, or a tiny one."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".bench-cache"
TODAY = date(2026, 11, 22)
SEED = 7
# Bump when demo-data changes what it writes, so a stale cache is rebuilt rather than measured.
GENERATOR_VERSION = 1


def _marker(warranties: int) -> dict[str, object]:
    migrations = sorted(p.name for p in (ROOT / "warranty_desk" / "migrations" / "versions")
                        .glob("*.py"))
    return {"warranties": warranties, "seed": SEED, "generator": GENERATOR_VERSION,
            "migrations": migrations}


def cached_shop(warranties: int, *, log: bool = True) -> Home:
    """A home folder with `warranties` synthetic warranties, built once and kept in .bench-cache.

    Built through the real `warranty-desk demo-data` command; rebuilt when the schema or the
    generator changes.
    """
    home = Home(CACHE / f"shop-{warranties}")
    marker_file = home.root / "bench-marker.json"
    want = _marker(warranties)
    if marker_file.exists() and json.loads(marker_file.read_text()) == want:
        return home
    if home.root.exists():
        shutil.rmtree(home.root)
    home.ensure()
    if log:
        print(f"Building the benchmark shop ({warranties:,} warranties; cached in "
              f"{home.root.relative_to(ROOT)})…", file=sys.stderr, flush=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "warranty_desk", "--home", str(home.root),
                    "--today", TODAY.isoformat(), "demo-data", "--warranties", str(warranties),
                    "--seed", str(SEED)], check=True, stdout=subprocess.DEVNULL)
    (home.root / "bench-build.json").write_text(json.dumps(
        {"build_seconds": round(time.perf_counter() - start, 1)}))
    marker_file.write_text(json.dumps(want))
    return home


def open_shop(home: Home) -> Database:
    """The shop's database, migrated to the current head."""
    from warranty_desk.services import setup

    db, _ = setup.init(home)
    return db


# DESIGN.md: a database of 1M warranties with their history stays under 1 GB.
SIZE_BUDGET_BYTES_PER_WARRANTY = 1_000_000_000 / 1_000_000


def database_size(home: Home) -> dict[str, object]:
    """The database file's size (after a checkpoint, so the WAL is in it) per warranty."""
    import sqlite3

    conn = sqlite3.connect(home.database)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        warranties = conn.execute("SELECT count(*) FROM warranties").fetchone()[0]
    finally:
        conn.close()
    size = home.database.stat().st_size
    per = size // max(warranties, 1)
    return {"bytes": size, "warranties": warranties, "bytes_per_warranty": per,
            "passed": per <= SIZE_BUDGET_BYTES_PER_WARRANTY}
