"""A CSV file read the way a spreadsheet shows it: decoded, header found, rows numbered."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from warranty_desk.services.sale_input import Problem

SAVE_AS_UTF8 = "In your spreadsheet use Save As > 'CSV UTF-8', then import the new file."


def decode(data: bytes) -> tuple[str, Problem | None]:
    """The file's text without a byte-order mark, or a problem naming where it is not UTF-8."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        byte = data[exc.start]
        return "", Problem(line, "file", f"The file is not UTF-8 text (byte 0x{byte:02X} on "
                           f"line {line}). {SAVE_AS_UTF8}")


@dataclass(slots=True)
class Table:
    """Data rows keyed by lower-case column name, numbered as spreadsheet rows (header is 1)."""

    header_row: int = 0
    # Lower-case name -> the name as written in the file, for problems the person can find.
    columns: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def name(self, key: str) -> str:
        """The column's name as the file writes it."""
        return self.columns.get(key, key)


def _delimiter(text: str) -> str:
    # Spreadsheets in comma-decimal locales save CSV with semicolons; the header tells which.
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if ";" in first and "," not in first else ","


def read(text: str) -> tuple[Table, Problem | None]:
    """Every non-blank row under the first non-blank row, which is the header."""
    table = Table()
    # The first column of each name counts (a repeated or blank heading is ignored).
    keys: list[str] = []
    places: list[int] = []
    width = 0
    # None when every heading is named once and the cells line up with keys as they stand.
    pick: list[int] | None = None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = table.rows
    strip = str.strip
    try:
        # A spreadsheet shows one row per record, even when a quoted cell spans several lines.
        for number, record in enumerate(reader, start=1):
            cells = list(map(strip, record))
            if not any(cells):
                continue
            if not keys:
                table.header_row = number
                for index, cell in enumerate(cells):
                    key = cell.lower()
                    if key and key not in table.columns:
                        table.columns[key] = cell
                        keys.append(key)
                        places.append(index)
                width = places[-1] + 1
                pick = None if places == list(range(width)) else places
                continue
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            named = cells if pick is None else [cells[i] for i in pick]
            # Cells past the last named column are ignored: zip stops at the last key.
            rows.append((number, dict(zip(keys, named, strict=False))))
    except csv.Error as exc:
        return table, Problem(reader.line_num, "file", f"The file cannot be read as CSV ({exc}). "
                              "Open it in a spreadsheet and save it again as CSV.")
    return table, None


def open_table(data: bytes, required: Sequence[str]) -> tuple[Table | None, list[Problem]]:
    """The file's table when it decodes and has every required column; else the problems."""
    text, problem = decode(data)
    if problem is not None:
        return None, [problem]
    table, problem = read(text)
    if problem is not None:
        return None, [problem]
    if not table.columns:
        return None, [Problem(None, "file", "The file is empty. Export the sales again.")]
    wanted = ", ".join(required)
    missing = [Problem(table.header_row, name,
                       f"The column {name!r} is missing from the header row. The file needs the "
                       f"columns {wanted}.")
               for name in required if name.lower() not in table.columns]
    return (None, missing) if missing else (table, [])
