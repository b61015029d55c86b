"""Where python-escpos keeps its parsed printer profiles between runs, written safely.

python-escpos parses a large YAML file of printer capabilities on import (about half a second)
unless it finds a pickle of it, and by default it looks for that pickle in a new temporary
folder each run, so it never does. Pointing it at one lasting cache folder makes every start
after the first load the pickle instead.

python-escpos writes that pickle in place: a second process starting meanwhile (two tills on
one account, two test workers) reads it half-written and fails on import, and a start killed
mid-write leaves a broken pickle that stops every later start. So the pickle is made here
before python-escpos is imported, whole under a private name and then renamed into place, and
one that cannot be read is made again.
"""

from __future__ import annotations

import os
import pickle
import platform
import tempfile
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import yaml
from platformdirs import user_cache_dir

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"
SOURCE_ENV = "ESCPOS_CAPABILITIES_FILE"


def use_lasting_cache() -> None:
    """Set the cache folder for python-escpos (unless the person set one), before its import."""
    if os.environ.get(ENV):
        return
    folder = Path(user_cache_dir("warranty-desk")) / "escpos"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ready_pickle(folder)
    except OSError:
        return  # a read-only home: python-escpos falls back to its temporary folder
    os.environ[ENV] = str(folder)


def pickle_path(folder: Path) -> Path:
    """The file python-escpos looks for in its cache folder (it names it by Python's version)."""
    return folder / f"{platform.python_version()}.capabilities.pickle"


def source_path() -> Path:
    """The capabilities file python-escpos reads: the person's own, or the one it ships."""
    named = os.environ.get(SOURCE_ENV)
    if named:
        return Path(named)
    spec = find_spec("escpos")  # found without importing it, which would read the pickle
    if spec is None or not spec.submodule_search_locations:
        raise OSError("python-escpos is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "capabilities.json"


def ready_pickle(folder: Path) -> None:
    """Leave a whole, current pickle of the capabilities in the folder (OSError if it can't)."""
    target = pickle_path(folder)
    source = source_path()
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime and _readable(target):
        return
    with source.open(encoding="utf-8") as text:
        capabilities: Any = yaml.safe_load(text)
    handle, private = tempfile.mkstemp(dir=folder, prefix=".capabilities-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(capabilities, out, protocol=2)  # the protocol python-escpos writes
        os.replace(private, target)
    except BaseException:
        Path(private).unlink(missing_ok=True)
        raise


def _readable(target: Path) -> bool:
    """Whether the pickle loads whole (well under a millisecond for this one)."""
    try:
        with target.open("rb") as stored:
            pickle.load(stored)
    except (EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError,
            ImportError, IndexError, KeyError):
        return False  # half-written or damaged: made again
    return True
