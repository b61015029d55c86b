"""Whether the shop's database file is sound enough to write to: checked at every start.

Cheap checks first, read from the file's header without SQLite: the magic string, a page size
SQLite can have, the fixed header bytes, and the page count the header states against the
file's size. Then SQLite itself, read-only: the schema must parse, and `PRAGMA quick_check`
walks every page of a file up to FULL_CHECK_MAX_BYTES. quick_check is not integrity_check: it
skips comparing each index with its table, which is the slow half, and still finds a damaged
page, a broken tree and a bad free list. Above that size (2.3 s on the 1.8 GB million-warranty
shop from the page cache, 22 s from a busy disk: far too long for a start that must be ready for
a scan in about a second) the start checks only the header and the schema (under 1 ms there),
and the app runs quick_check on a worker once it is ready (services/damage.py); closing the app
stops that walk (Stop), which then says nothing about the file.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_BYTES = 100
# quick_check reads about 0.8 GB a second from the page cache (32 MiB in 40 ms), but ten times
# slower from a cold disk: at a till's first start of the day 32 MiB may take 0.4 s.
FULL_CHECK_MAX_BYTES = 32 * 1024 * 1024


def _number(header: bytes, at: int, size: int) -> int:
    return int.from_bytes(header[at:at + size], "big")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def header_problem(path: Path) -> str | None:
    """What is wrong with the file's header and size, in words; None when they look right."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES or header[:len(SQLITE_HEADER)] != SQLITE_HEADER:
        return "it does not start as a database file does"
    page_size = _number(header, 16, 2)
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return f"its header names a page size of {page_size} bytes, which no database has"
    if header[18] not in (1, 2) or header[19] not in (1, 2) or header[21:24] != b"\x40\x20\x20":
        return "the fixed bytes of its header are changed"
    wal = Path(f"{path}-wal")
    checkpointed = not wal.exists() or wal.stat().st_size == 0
    encoding, schema_format = _number(header, 56, 4), _number(header, 44, 4)
    # A new file switched to WAL before its first table keeps 0 in both on disk until the
    # first checkpoint; the -wal holds the page 1 SQLite reads, and SQLite checks that one.
    unset_but_in_wal = not checkpointed and encoding == 0 and schema_format == 0
    if not unset_but_in_wal and (encoding not in (1, 2, 3) or not 1 <= schema_format <= 4):
        return "its header names a text encoding or format that does not exist"
    if size % page_size:
        return f"it is {size:,} bytes long, not a whole number of {page_size}-byte pages"
    stated = _number(header, 28, 4)
    # The stated count is only valid when the change counter and its copy agree (an older
    # SQLite may leave them apart); a -wal with pages in it holds pages the file does not yet.
    if checkpointed and _number(header, 24, 4) == _number(header, 92, 4) and stated and \
            stated != size // page_size:
        return (f"its header says it has {stated:,} pages, but the file holds "
                f"{size // page_size:,}: it was cut short or written over")
    return None


def walks_at_start(path: Path) -> bool:
    """Whether the start's check walks every page of this file (it is small enough)."""
    return not path.exists() or path.stat().st_size <= FULL_CHECK_MAX_BYTES


class Interrupted(Exception):
    """A check stopped before it finished (Stop.stop): it found the file neither sound nor
    damaged."""


class Stop:
    """Lets another thread stop a running check: the app closing must not wait for a walk of
    every page (2 s on the million-warranty shop from the page cache, 20 s from a busy disk).

    stop() interrupts the check's statement (sqlite3_interrupt: it ends the walk within a few
    milliseconds) and the check raises Interrupted instead of calling the file damaged.
    """

    # How often stop() interrupts again until the check lets go: an interrupt that lands
    # between two statements is lost (SQLite clears it when the next one starts).
    AGAIN_S = 0.01

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the connection is never closed while interrupted
        self._connection: sqlite3.Connection | None = None
        self.asked = False
        self._let_go = threading.Event()
        self._let_go.set()

    def hold(self, connection: sqlite3.Connection) -> None:
        """The check's connection, open until release(); Interrupted if stop() came first."""
        with self._lock:
            if self.asked:
                raise Interrupted
            self._connection = connection
            self._let_go.clear()

    def release(self) -> None:
        """The check is done with its connection (the check closes it after this)."""
        with self._lock:
            self._connection = None
            self._let_go.set()

    def stop(self, wait_s: float = 10.0) -> bool:
        """Stop the check and wait until it has let its connection go: whether it has.

        Nothing to wait for when no check is running; one that starts later is refused.
        """
        for _ in range(max(1, int(wait_s / self.AGAIN_S))):
            with self._lock:
                self.asked = True
                if self._connection is None:
                    return True
                self._connection.interrupt()
            if self._let_go.wait(self.AGAIN_S):
                return True
        return False


def problem(path: Path, *, full: bool | None = None, stop: Stop | None = None) -> str | None:
    """What is wrong with the database file, in words; None when it is sound (or not there yet).

    `full` runs quick_check on every page whatever the size; None leaves it to the size.
    `stop` lets another thread stop the check: it then raises Interrupted.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None  # a new shop: nothing to check yet
    found = header_problem(path)
    if found is not None:
        return found
    walk = full if full is not None else walks_at_start(path)
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"SQLite cannot open it ({exc})"
    try:
        return _sqlite_problem(connection, walk, stop)
    except sqlite3.Error as exc:
        if stop is not None and (stop.asked or exc.sqlite_errorcode == sqlite3.SQLITE_INTERRUPT):
            raise Interrupted from None  # stopped, not damaged
        return f"SQLite cannot read it ({exc})"
    finally:
        if stop is not None:
            stop.release()
        connection.close()


def _sqlite_problem(connection: sqlite3.Connection, walk: bool, stop: Stop | None) -> str | None:
    """What SQLite finds wrong reading the schema, and every page when `walk`; None if sound."""
    try:
        # A tampered file must not run SQL functions from its views or triggers while read,
        # and the damage quick_check quotes (a name) may be bytes that are no UTF-8.
        connection.execute("PRAGMA trusted_schema=OFF")
        connection.text_factory = _text
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if walk:
            if stop is not None:
                stop.hold(connection)  # only the walk takes long enough to stop
            found_rows = [str(r[0]) for r in connection.execute("PRAGMA quick_check(5)")]
            if found_rows != ["ok"]:
                return "its pages do not check out (" + "; ".join(found_rows[:2]) + ")"
    except UnicodeDecodeError:  # SQLite's own message quotes a damaged name
        return "SQLite cannot read it (the list of its tables is damaged)"
    return None
