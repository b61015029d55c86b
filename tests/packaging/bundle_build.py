"""The PyInstaller bundle (and its MSI) for the packaging tests, built once per source state.

The build takes minutes, so it is kept in .package-cache/<hash>/ under the checkout, keyed by
a hash of everything that goes into it (the till's packages, resources, the spec, the
installer files, pyproject.toml, the installed distributions' and Python's versions): a rerun
on the same sources reuses it, any change builds again, and a clean checkout always builds.
A file lock keeps two test processes from building the same bundle at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "warranty-desk.spec"
CACHE = ROOT / ".package-cache"
# What the bundle and the MSI are made of.
SOURCES = ("warranty_desk", "ui", "printing", "sync", "resources", "packaging/warranty-desk.spec",
           "packaging/entry.py", "packaging/icons", "packaging/windows", "pyproject.toml")


@dataclass(frozen=True, slots=True)
class Built:
    """A built bundle: its folder, its programs and how long the build took (0: cached)."""

    folder: Path
    seconds: float

    @property
    def program(self) -> Path:
        return self.folder / "warranty-desk"


def _files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    for found in sorted(path.rglob("*")):
        if found.is_file() and "__pycache__" not in found.parts and found.suffix != ".pyc":
            yield found


def source_key() -> str:
    """A hash of every source file's path and bytes, and of Python's and every installed
    distribution's version (PyInstaller and what it packs)."""
    digest = hashlib.sha256()
    installed = sorted(f"{d.metadata['Name']}=={d.version}"
                       for d in importlib.metadata.distributions())
    digest.update("|".join([sys.version, *installed]).encode())
    for name in SOURCES:
        for path in _files(ROOT / name):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def bundle() -> Built:
    """The bundle for these sources, built now if it is not in the cache."""
    key = source_key()
    place = CACHE / key
    CACHE.mkdir(exist_ok=True)
    with (CACHE / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = place / "dist" / "warranty-desk"
        if (place / "done").is_file():
            return Built(folder, 0.0)
        for old in CACHE.iterdir():  # earlier sources' bundles: 300 MB each
            if old.is_dir():
                shutil.rmtree(old)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
             "--distpath", str(place / "dist"), "--workpath", str(place / "work"), str(SPEC)],
            cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"PyInstaller failed:\n{done.stderr[-4000:]}"
        shutil.rmtree(place / "work")
        seconds = time.monotonic() - started
        (place / "done").write_text(f"{seconds:.0f} seconds\n", encoding="utf-8")
        return Built(folder, seconds)


def msi(built: Built) -> Path:
    """The MSI packing this bundle (built beside it once)."""
    out = built.folder.parent.parent / "warranty-desk.msi"
    with (CACHE / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not out.is_file():
            partial = out.with_suffix(".partial.msi")
            done = subprocess.run(
                [sys.executable, str(PACKAGING / "windows" / "build_msi.py"), "--bundle",
                 str(built.folder), "--out", str(partial)],
                capture_output=True, text=True, check=False)
            assert done.returncode == 0, f"wixl failed:\n{done.stderr[-4000:]}"
            partial.rename(out)
    return out
