"""What the database-size budget would take: a shop's file re-encoded on a copy, step by step.

Not the app and not a budget: a measurement for deciding the schema. The 1M bench shop is
~98% payload after its nightly compaction (pages full, 1-2% unused), so the bytes per warranty
only move if what each row holds gets smaller. Each step re-encodes one class of value in
every table on a throwaway copy (triggers dropped first: the copy only has to be measured),
then VACUUMs and reports the file's bytes per warranty:

- datetimes: DATETIME text ('2026-11-22 12:00:00.000000', 26 bytes) as integer microseconds
  since the epoch (8 bytes; lossless);
- dates: DATE text ('2026-11-22', 10 bytes) as integer days since the epoch (2 bytes);
- enums: the app's own short codes (statuses, kinds, states, sources) as small integers;
- ids: 16-byte UUIDv7 keys as 8 bytes (their random half), keeping every key unique.

Usage: python -m tests.bench.size_what_if DB [--alone] [--steps datetimes,dates,...]
By default the steps add up, in the order given; --alone measures each on its own copy.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# Columns holding one of the app's own codes (never free text a person types).
ENUMS: dict[str, tuple[str, ...]] = {
    "warranties": ("status",), "warranty_layers": ("kind",),
    "claim_events": ("kind", "from_state", "to_state"), "sales": ("source",),
    "customer_messages": ("direction", "state", "template", "channel"),
    "claims": ("channel", "claim_type", "state", "outcome", "proof_status"),
    "claim_rollups": ("state", "outcome", "returns_kind"),
    "evidence_documents": ("kind", "source"), "customers": ("segment",),
    "stock_movements": ("kind",), "cost_postings": ("kind",),
}


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%fts%'")]


def _columns(conn: sqlite3.Connection, table: str, declared: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')
            if row[2].upper() == declared]


def _each_column(conn: sqlite3.Connection, declared: str, value: str) -> None:
    """Set every `declared` column of every table to `value` (with {c} the column)."""
    for table in _tables(conn):
        sets = [f'"{c}" = {value.format(c=c)}' for c in _columns(conn, table, declared)]
        if sets:
            conn.execute(f'UPDATE "{table}" SET {", ".join(sets)}')


def datetimes(conn: sqlite3.Connection) -> None:
    """DATETIME text as integer microseconds since the epoch."""
    _each_column(conn, "DATETIME",
                 # The whole seconds apart: SQLite's own date maths rounds to milliseconds.
                 "CAST(strftime('%s', substr(\"{c}\", 1, 19)) AS INTEGER) * 1000000"
                 " + CAST(coalesce(substr(\"{c}\", 21, 6), '0') AS INTEGER)")


def dates(conn: sqlite3.Connection) -> None:
    """DATE text as integer days since the epoch."""
    _each_column(conn, "DATE", "CAST(julianday(\"{c}\") - 2440587.5 AS INTEGER)")


def enums(conn: sqlite3.Connection) -> None:
    """Each of ENUMS' codes as its small integer (its rank among the column's codes)."""
    tables = set(_tables(conn))
    for table, names in ENUMS.items():
        if table not in tables:
            continue
        present = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        for name in (n for n in names if n in present):
            conn.execute("CREATE TEMP TABLE codes (code PRIMARY KEY, number INTEGER)")
            conn.execute(f'INSERT INTO codes SELECT DISTINCT "{name}", NULL FROM "{table}" '
                         f'WHERE "{name}" IS NOT NULL')
            conn.execute("UPDATE codes SET number = rowid")
            conn.execute(f'UPDATE "{table}" SET "{name}" = (SELECT number FROM codes '
                         f'WHERE code = "{table}"."{name}") WHERE "{name}" IS NOT NULL')
            conn.execute("DROP TABLE codes")


def ids(conn: sqlite3.Connection) -> None:
    """16-byte ids as their last 8 bytes (UUIDv7's random bits: unique at any shop's size;
    a clash would fail the table's own unique keys, and the step with it)."""
    _each_column(conn, "BLOB",
                 "CASE WHEN length(\"{c}\") = 16 THEN substr(\"{c}\", 9, 8) ELSE \"{c}\" END")


STEPS: dict[str, Callable[[sqlite3.Connection], None]] = {
    "datetimes": datetimes, "dates": dates, "enums": enums, "ids": ids}


def bytes_per_warranty(conn: sqlite3.Connection) -> float:
    """The file's size (pages) per warranty."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    warranties = conn.execute("SELECT count(*) FROM warranties").fetchone()[0]
    return float(pages * size) / max(int(warranties), 1)


def copy_for_measuring(source: Path, target: Path) -> sqlite3.Connection:
    """A copy of `source` (read only, through the backup API) without triggers, no journal."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        try:
            src.backup(conn)
        finally:
            src.close()
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF"):
            conn.execute(f"PRAGMA {pragma}")
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'") \
                .fetchall():
            conn.execute(f'DROP TRIGGER "{name}"')
    except BaseException:
        conn.close()  # the caller closes it only once it has it
        raise
    return conn


def apply(conn: sqlite3.Connection, step: str) -> float:
    """Run one step in a transaction, VACUUM, and return the bytes per warranty after it."""
    conn.execute("BEGIN")
    STEPS[step](conn)
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    return bytes_per_warranty(conn)


def measure(source: Path, steps: list[str], *, alone: bool, work: Path
            ) -> list[tuple[str, float]]:
    """[("baseline", B/warranty), (step or steps so far, B/warranty), ...]."""
    results: list[tuple[str, float]] = []
    conn = copy_for_measuring(source, work / "copy.sqlite3")
    try:
        conn.execute("VACUUM")
        results.append(("baseline (VACUUM)", bytes_per_warranty(conn)))
        for i, step in enumerate(steps):
            if alone and i:
                conn.close()
                conn = copy_for_measuring(source, work / "copy.sqlite3")
            label = step if alone else " + ".join(steps[:i + 1])
            results.append((label, apply(conn, step)))
    finally:
        conn.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--alone", action="store_true")
    parser.add_argument("--work", type=Path, help="folder for the copy (default: a temp one)")
    args = parser.parse_args(argv)
    steps = [s for s in args.steps.split(",") if s]
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        parser.error(f"unknown steps {unknown}; known: {', '.join(STEPS)}")
    work = Path(tempfile.mkdtemp(dir=args.work))
    try:
        for label, per in measure(args.database, steps, alone=args.alone, work=work):
            print(f"{per:8.1f} bytes per warranty  {label}", flush=True)
    finally:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
