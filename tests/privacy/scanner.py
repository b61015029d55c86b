"""The secrets scan: known secrets and card-like numbers in database files, logs and exports.

Written apart from the app's own masking (warranty_desk.card_numbers), so a fault there is not
repeated here. A Luhn-valid run of 13 to 19 digits is a finding wherever it stands, except in
a column that holds identifiers by design (serials, GTINs, invoice numbers, phones...): those
hits are returned as explained, each named by its table and column, never dropped silently.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CARD_LIKE = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")


def luhn(digits: str) -> bool:
    """The Luhn check, counted from the right."""
    total = 0
    for place, digit in enumerate(int(d) for d in reversed(digits)):
        doubled = digit * 2 if place % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


# A random id written as hex (a UUID, with or without its dashes; a digest): one in a few
# hundred holds a Luhn-valid run of 13+ digits by chance, which is part of the id, not a card.
HEX_ID = re.compile(r"(?<![0-9A-Za-z])(?:[0-9a-f]{32,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})"
                    r"(?![0-9A-Za-z])", re.IGNORECASE)


def hits(text: str) -> list[tuple[str, bool]]:
    """Every Luhn-valid run of 13 to 19 digits, spaces or dashes allowed between them, and
    whether it lies inside a hex id."""
    ids = [m.span() for m in HEX_ID.finditer(text)]
    found = []
    for match in CARD_LIKE.finditer(text):
        digits = re.sub(r"[ -]", "", match.group(0))
        if luhn(digits):
            start, end = match.span()
            found.append((digits, any(a <= start and end <= b for a, b in ids)))
    return found


def card_like(text: str) -> list[str]:
    """The Luhn-valid runs of 13 to 19 digits that are not part of a hex id."""
    return [digits for digits, in_id in hits(text) if not in_id]


@dataclass
class Scan:
    """What the scan found: leaks (each where and what) and explained identifier hits."""

    leaks: list[str] = field(default_factory=list)
    explained: list[str] = field(default_factory=list)
    places: int = 0
    # Digits of every identifier column's Luhn hits: free text that names one of them (a
    # message quoting the unit's serial) names a serial, not a card.
    known: set[str] = field(default_factory=set)

    def text(self, where: str, text: str, secrets: dict[str, str], *, counted: bool = True
             ) -> None:
        """Look through one text for every planted secret and every card-like number."""
        self.places += counted
        for name, value in secrets.items():
            if value in text:
                self.leaks.append(f"{where}: the {name}")
        for digits, in_id in hits(text):
            if in_id:
                self.explained.append(f"{where}: inside a hex id, ending {digits[-4:]}")
            elif digits in self.known:
                self.explained.append(f"{where}: names identifier ending {digits[-4:]}")
            else:
                self.leaks.append(f"{where}: a card-like number ending {digits[-4:]}")

    def raw(self, where: str, data: bytes, secrets: dict[str, str]) -> None:
        """Look through bytes (a database file, its WAL, free pages) for planted secrets."""
        self.places += 1
        for name, value in secrets.items():
            if value.encode() in data:
                self.leaks.append(f"{where}: the {name} (raw bytes)")


def scan_sqlite(scan: Scan, path: Path, secrets: dict[str, str],
                identifiers: set[tuple[str, str]], hashes: set[tuple[str, str]]) -> None:
    """Every text cell of every table; the file and its WAL as bytes, free pages included."""
    for part in (path, Path(f"{path}-wal")):
        if part.exists():
            scan.raw(part.name, part.read_bytes(), secrets)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        scan.places += len(tables)
        for table, column in sorted(identifiers):
            if table in tables:
                for (value,) in conn.execute(f'SELECT "{column}" FROM "{table}"'):
                    if isinstance(value, str):
                        scan.known.update(card_like(value))
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for column, value in zip(columns, row, strict=True):
                    _cell(scan, table, column, value, secrets, identifiers, hashes)
    finally:
        conn.close()


def _cell(scan: Scan, table: str, column: str, value: object, secrets: dict[str, str],
          identifiers: set[tuple[str, str]], hashes: set[tuple[str, str]]) -> None:
    where = f"{table}.{column}"
    if isinstance(value, bytes):
        # Binary cells (ids, FTS index pages) hold digit runs by chance: searched for the
        # planted secrets only; the text they index is scanned in its own table.
        for name, secret in secrets.items():
            if secret.encode() in value:
                scan.leaks.append(f"{where}: the {name} (binary)")
        return
    if not isinstance(value, str) or not value:
        return
    if (table, column) in identifiers:
        scan.explained += [f"{where}: ending {d[-4:]}" for d in card_like(value)]
        for name, secret in secrets.items():
            if secret in value:
                scan.leaks.append(f"{where}: the {name}")
        return
    if (table, column) in hashes:
        # A hash column holds digests: a secret in clear there is still a leak.
        for name, secret in secrets.items():
            if secret in value:
                scan.leaks.append(f"{where}: the {name}")
        return
    scan.text(where, value, secrets, counted=False)


def scan_files(scan: Scan, files: Iterable[Path], secrets: dict[str, str]) -> None:
    """Logs, CSV and JSON exports as text; PDFs through pdftotext."""
    for path in files:
        if path.suffix.lower() == ".pdf":
            text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                                  check=True, timeout=60).stdout.decode("utf-8", "replace")
            scan.raw(path.name, path.read_bytes(), secrets)
        else:
            text = path.read_bytes().decode("utf-8", errors="replace")
        scan.text(path.name, text, secrets)


_COPY = re.compile(r"^COPY (?:[a-z_]+\.)?\"?([a-z0-9_]+)\"? \(([^)]*)\) FROM stdin;$")


def scan_pg_dump(scan: Scan, dump: str, secrets: dict[str, str],
                 identifiers: set[tuple[str, str]]) -> None:
    """A plain pg_dump: every row of every COPY block, each cell named by table and column."""
    scan.places += 1
    for name, value in secrets.items():
        if value in dump:
            scan.leaks.append(f"pg_dump: the {name}")
    table, columns = "", []
    rows: list[tuple[str, list[str], list[str]]] = []
    for line in dump.splitlines():
        found = _COPY.match(line)
        if found:
            table = found.group(1)
            columns = [c.strip().strip('"') for c in found.group(2).split(",")]
            continue
        if line == "\\.":
            table = ""
        elif table:
            rows.append((table, columns, line.split("\t")))
    for table, columns, cells in rows:
        for column, cell in zip(columns, cells, strict=False):
            if (table, column) in identifiers:
                scan.known.update(card_like(cell))
    for table, columns, cells in rows:
        for column, cell in zip(columns, cells, strict=False):
            if (table, column) in identifiers:
                scan.explained += [f"{table}.{column}: ending {d[-4:]}" for d in card_like(cell)]
            else:
                for digits, in_id in hits(cell):
                    if in_id:
                        scan.explained.append(f"{table}.{column}: inside a hex id, ending "
                                              f"{digits[-4:]}")
                    elif digits in scan.known:
                        scan.explained.append(f"{table}.{column}: names identifier ending "
                                              f"{digits[-4:]}")
                    else:
                        scan.leaks.append(f"{table}.{column}: a card-like number ending "
                                          f"{digits[-4:]}")
