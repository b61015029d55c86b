"""CSV exports that are safe to open in a spreadsheet: no cell can start a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TextIO

# Characters a spreadsheet reads as the start of a formula (OWASP "CSV injection"); tab and
# carriage return are included because some spreadsheets strip them and read what follows.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, with a leading apostrophe when text would start a formula.

    Only text is neutralised. Numbers we computed (int, float, Decimal) stay as their plain
    str, so a refund of -12.00 still sums in the spreadsheet: a number cannot carry a formula.
    Amounts the app exports as text ("-12.00") do get the apostrophe, because text may have
    come from a person or a file, and a spreadsheet cannot tell "-12.00" from "-2+3".
    """
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv_parts(
    stream: TextIO, parts: Iterable[tuple[Sequence[str], Iterable[Sequence[object]]]],
) -> None:
    """Tables one after the other, each with its header, a blank line between: a report and
    the list under it (the delivery rates, then the messages that failed)."""
    for n, (columns, rows) in enumerate(parts):
        if n:
            stream.write("\r\n")
        write_csv(stream, columns, (dict(zip(columns, row, strict=True)) for row in rows))


def write_csv(
    stream: TextIO, columns: Sequence[str], rows: Iterable[Mapping[str, object]],
) -> int:
    """Write a header and one line per row (missing keys blank); returns the rows written."""
    writer = csv.writer(stream)
    writer.writerow([safe_cell(c) for c in columns])
    written = 0
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
        written += 1
    return written
