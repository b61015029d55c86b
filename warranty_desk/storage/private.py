"""Files only their owner may read: the database, its backups and the logs hold customer data."""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, cast

# Read and write for the owner, nothing for the group or anyone else, whatever the umask.
OWNER_ONLY = 0o600


def private_file(path: Path) -> None:
    """Create path as an empty owner-only file, or take group and other access off it.

    SQLite gives a database's -wal, -shm and -journal files the database file's own mode, so
    the database made here first keeps every file beside it owner-only too.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        tighten(path)
        return
    os.close(fd)


def tighten(path: Path) -> None:
    """Take group and other access off a file made by an earlier version (when ours to change)."""
    with contextlib.suppress(OSError):  # another user's file, or a read-only medium: left as is
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)


def open_private(path: Path, mode: str = "a", encoding: str | None = "utf-8",
                 errors: str | None = None) -> io.TextIOWrapper:
    """Open a text file for appending or writing, created owner-only when it is new."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode.startswith("a") else os.O_TRUNC)
    fd = os.open(path, flags, OWNER_ONLY)
    tighten(path)
    return cast(io.TextIOWrapper, open(fd, mode, encoding=encoding, errors=errors))


def write_json(path: Path, data: Any, *, indent: int | None = None) -> None:
    """Write JSON to path owner-only, whole or not at all (a temp file beside it, renamed)."""
    write_text(path, json.dumps(data, sort_keys=True, indent=indent, ensure_ascii=False))


def write_text(path: Path, text: str) -> None:
    """Write text to path owner-only, whole or not at all (a temp file beside it, renamed)."""
    # mkstemp creates the file 0600 before anything is written; the rename makes it whole.
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".partial", dir=path.parent)
    try:
        os.chmod(temp, OWNER_ONLY)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
