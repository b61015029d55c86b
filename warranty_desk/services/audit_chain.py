"""The audit log's hash chain: each entry's hash, and the walk that proves it or names the break.

A tamperer with the file can write any value of any SQLite type into any column, or rebuild
the table without its types; the walk reads every value as stored (never through the ORM's
converters, which would fail on a wrong type) and names the first entry that is not exactly
what was written. The append-only guard (two triggers) is checked too. What the file alone
cannot show (a cut-off tail, a chain re-hashed from some entry on) is checked at head office
against the audit heads it was told before (portal/health/drift.py).

A customer's erasure (services/erasure.py) rewrites the details of the entries that held their
personal data: such an entry keeps its hash, so the chain still links, and the erasure's own
entry, later in the chain, names each one with its hash as written and as redacted. The walk
accepts a rewritten entry only when such an entry vouches for exactly what it now holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

GENESIS = "0" * 64

# The append-only guard as migration 0002 made it; a trigger missing or written otherwise no
# longer stops an UPDATE or DELETE, so `audit verify` says so.
GUARD_TRIGGERS = {
    "audit_entries_no_update": (
        "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"),
    "audit_entries_no_delete": (
        "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"),
}

# How SQLAlchemy writes a DateTime into SQLite; an entry's time is stored exactly so.
_STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"

# Each text column and how a finding names it.
_TEXT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("at", "time"), ("actor_name", "staff name"), ("action", "action"),
    ("entity", "record kind"), ("entity_id", "record id"), ("details", "details"),
    ("prev_hash", "link to the entry before"), ("hash", "hash"),
)
_COLUMNS = ("seq", "at", "actor_id", *(name for name, _ in _TEXT_COLUMNS[1:]))
# Every value comes back with its storage class; text as its raw bytes, so text that is not
# UTF-8 (a tamperer's CAST of bytes) is a finding rather than a decoding error.
_SELECT = "SELECT " + ", ".join(
    f"typeof({c}), CASE typeof({c}) WHEN 'text' THEN CAST({c} AS BLOB) ELSE {c} END"
    for c in _COLUMNS) + " FROM audit_entries ORDER BY seq"


def entry_hash(
    *, seq: int, at: datetime, actor_id: str, actor_name: str, action: str, entity: str,
    entity_id: str, details: str, prev_hash: str,
) -> str:
    """The hash of one entry over every field and its predecessor's hash."""
    body = json.dumps(
        [seq, at.isoformat(timespec="microseconds"), actor_id, actor_name, action, entity,
         entity_id, details, prev_hash],
        separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of checking the chain: ok, or the first bad entry (or the guard) and why."""

    ok: bool
    entries: int  # entries that check out, from the first
    head: str  # the hash of the last of them
    first_bad_seq: int | None = None
    problem: str = ""
    guarded: bool = True  # both append-only triggers are there, as written


class _Changed(Exception):
    """One column of an entry is not as it was written."""


_KINDS = {"integer": "a number", "real": "a number", "blob": "raw bytes", "null": "empty (NULL)",
          "text": "text"}


def _text(column: str, label: str, kind: str, value: Any) -> str:
    if kind != "text":
        raise _Changed(f"its {label} is {_KINDS.get(kind, kind)}, not text")
    try:
        return bytes(value).decode("utf-8")
    except UnicodeDecodeError:
        raise _Changed(f"its {label} is not readable text") from None


def _time(stored: str) -> datetime:
    try:
        when = datetime.strptime(stored, _STORED_TIME)
    except ValueError:
        raise _Changed("its time is not a date and time as the till writes it") from None
    # Written otherwise for the same instant (a zone added, a T) is a change of the entry too.
    if when.strftime(_STORED_TIME) != stored:
        raise _Changed("its time is not a date and time as the till writes it")
    return when.replace(tzinfo=UTC)


def _actor(kind: str, value: Any) -> str:
    if kind == "null":
        return ""
    if kind != "blob" or len(value) != 16:
        raise _Changed(f"its staff id is {_KINDS.get(kind, kind)}, not a staff id")
    return bytes(value).hex()


def _recomputed(seq: int, kinds: Sequence[str], values: Sequence[Any]) -> tuple[str, str, str]:
    """(prev_hash, stored hash, the hash over the entry as stored); _Changed when unreadable."""
    fields = dict(zip(_COLUMNS, zip(kinds, values, strict=True), strict=True))
    texts = {name: _text(name, label, *fields[name]) for name, label in _TEXT_COLUMNS}
    again = entry_hash(seq=seq, at=_time(texts["at"]), actor_id=_actor(*fields["actor_id"]),
                       actor_name=texts["actor_name"], action=texts["action"],
                       entity=texts["entity"], entity_id=texts["entity_id"],
                       details=texts["details"], prev_hash=texts["prev_hash"])
    return texts["prev_hash"], texts["hash"], again


def _number(kind: str, value: Any) -> str:
    if kind == "integer":
        return f"entry {value}"
    return f"an entry numbered with {_KINDS.get(kind, kind)}"


def guard_problem(session: Session) -> str:
    """What is wrong with the append-only guard, or ''."""
    found = {str(name): " ".join(str(sql or "").split()) for name, sql in session.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name = 'audit_entries'"))}
    missing = [name for name, sql in GUARD_TRIGGERS.items() if found.get(name) != sql]
    if not missing:
        return ""
    return ("the audit log's append-only guard was removed or altered ("
            + ", ".join(missing) + "), so entries could have been rewritten since")


def verify(session: Session) -> ChainReport:
    """Walk the chain in order; report the first entry changed, removed or inserted, and the guard.

    Never raises for what is in the table: a value of the wrong type, a missing table or
    column is a finding like any other change.
    """
    try:
        guard = guard_problem(session)
        rows = session.execute(text(_SELECT))
        found = _walk(rows)
    except DBAPIError as exc:
        session.rollback()
        reason = str(exc.orig).splitlines()[0][:120] if exc.orig is not None else ""
        return ChainReport(False, 0, GENESIS, None,
                           f"the audit log's table is missing or was rebuilt without its "
                           f"columns ({reason})", guarded=False)
    if not guard:
        return found
    problem = f"{found.problem}; also {guard}" if found.problem else guard
    return ChainReport(False, found.entries, found.head, found.first_bad_seq, problem,
                       guarded=False)


# The action of an erasure's own entry: its details name every entry it redacted (REDACTED).
ERASURE_ACTION = "customer.erase"
REDACTED = "redacted"


def _vouched(action: str, details: str) -> dict[int, tuple[str, str]]:
    """The entries an erasure's entry redacted: seq -> (hash as written, hash as redacted)."""
    if action != ERASURE_ACTION:
        return {}
    try:
        named = json.loads(details).get(REDACTED) or {}
        return {int(seq): (str(pair[0]), str(pair[1])) for seq, pair in named.items()}
    except (ValueError, TypeError, AttributeError, IndexError):
        return {}


def _walk(rows: Any) -> ChainReport:
    prev = GENESIS
    expected = 1
    # Entries whose details an erasure rewrote: their hash is kept (the next entry links to
    # it), and the erasure's own later entry vouches for both hashes; until it is reached they
    # wait here with the report to give if it never is.
    waiting: dict[int, tuple[str, str, ChainReport]] = {}
    for row in rows:
        kinds, values = row[0::2], row[1::2]
        seq_kind, seq = kinds[0], values[0]
        if seq_kind != "integer" or seq != expected:
            return _first(waiting, ChainReport(False, expected - 1, prev, expected,
                                               _out_of_place(expected, seq_kind, seq)))
        try:
            prev_hash, stored, again = _recomputed(seq, kinds, values)
        except _Changed as why:
            return _first(waiting, ChainReport(False, expected - 1, prev, seq,
                                               f"entry {seq} was changed after it was written: "
                                               f"{why}"))
        if prev_hash != prev:
            return _first(waiting, ChainReport(
                False, expected - 1, prev, seq, f"entry {seq} does not follow entry {seq - 1}: "
                "an entry before it was changed, removed or inserted"))
        if again != stored:
            waiting[seq] = (stored, again, ChainReport(
                False, expected - 1, prev, seq, f"entry {seq} was changed after it was written"))
        else:
            fields = dict(zip(_COLUMNS, zip(kinds, values, strict=True), strict=True))
            for vouched, pair in _vouched(bytes(fields["action"][1]).decode(),
                                          bytes(fields["details"][1]).decode()).items():
                held = waiting.get(vouched)
                if held is not None and held[:2] == pair:
                    del waiting[vouched]
        prev = stored
        expected += 1
    return _first(waiting, ChainReport(True, expected - 1, prev))


def _first(waiting: dict[int, tuple[str, str, ChainReport]], found: ChainReport) -> ChainReport:
    """The report of the first changed entry no erasure vouched for, if before `found`'s."""
    if not waiting:
        return found
    return waiting[min(waiting)][2]


def _out_of_place(expected: int, kind: str, value: Any) -> str:
    found = _number(kind, value)
    if kind == "integer" and value > expected:
        return f"entry {expected} is missing (the next entry is {value})"
    return f"{found} stands where entry {expected} should be: entries were inserted or renumbered"
