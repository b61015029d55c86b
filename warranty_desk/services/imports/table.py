"""A CSV file read the way a spreadsheet shows it: decoded, header found, rows numbered."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from warranty_desk.services.imports import limits
from warranty_desk.services.imports.fields import DAMAGE_RE, REMOVE_DAMAGE
from warranty_desk.services.sale_input import Problem

SAVE_AS_UTF8 = "In your spreadsheet use Save As > 'CSV UTF-8', then import the new file."


def decode(data: bytes) -> tuple[str, Problem | None]:
    """The file's text without byte-order marks, or a problem naming where it is not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "", Problem(1, "file", f"The file is UTF-16 text, and Warranty Desk reads UTF-8. "
                           f"{SAVE_AS_UTF8}")
    try:
        # A file saved twice by a careless tool may start with two byte-order marks.
        return data.decode("utf-8-sig").lstrip("\ufeff"), None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        byte = data[exc.start]
        return "", Problem(line, "file", f"The file is not UTF-8 text (byte 0x{byte:02X} on "
                           f"line {line}). {SAVE_AS_UTF8}")


def damaged_lines(text: str) -> list[Problem]:
    """One problem per line holding a control character no sales file has, or one for the file
    when they are everywhere (UTF-16 without its byte-order mark)."""
    found = [match.start() for match in DAMAGE_RE.finditer(text)]
    if not found:
        return []
    if text.count("\x00") * 4 > len(text):
        return [Problem(1, "file", f"The file looks like UTF-16 text, and Warranty Desk reads "
                        f"UTF-8. {SAVE_AS_UTF8}")]
    problems: list[Problem] = []
    line, counted_to, last_line = 1, 0, 0
    for at in found:
        line += text.count("\n", counted_to, at)
        counted_to = at
        if line != last_line:
            last_line = line
            problems.append(Problem(line, "file", f"Line {line} holds a control character "
                                    f"(byte 0x{ord(text[at]):02X}) that no sales export writes, "
                                    f"so the file is damaged. {REMOVE_DAMAGE}"))
    return problems


def readable_text(data: bytes) -> tuple[str, list[Problem]]:
    """The file's text, or every problem that keeps it from being read as a table."""
    text, problem = decode(data)
    if problem is not None:
        return "", [problem]
    return text, damaged_lines(text)


@dataclass(slots=True)
class Table:
    """Data rows keyed by lower-case column name, numbered as spreadsheet rows (header is 1)."""

    header_row: int = 0
    # Lower-case name -> the name as written in the file, for problems the person can find.
    columns: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    # (row, column key, the character) of cells that began with a tab or a carriage return
    # before trimming.
    leading_controls: list[tuple[int, str, str]] = field(default_factory=list)
    # Headings written more than once: lower-case name -> spreadsheet column letters.
    repeated: dict[str, list[str]] = field(default_factory=dict)

    def name(self, key: str) -> str:
        """The column's name as the file writes it."""
        return self.columns.get(key, key)


def column_letter(index: int) -> str:
    """A spreadsheet's name for the column at a 0-based index: A, B, ..., Z, AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _delimiter(text: str) -> str:
    # Spreadsheets in comma-decimal locales save CSV with semicolons; the header tells which.
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if ";" in first and "," not in first else ","


def _header(table: Table, cells: list[str]) -> tuple[list[str], list[int]]:
    """The keys of the named columns and where each stands; a repeated name is noted."""
    keys: list[str] = []
    places: list[int] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = cell.lower()
        if not key:
            # A blank heading names nothing: spreadsheets leave them after the last column.
            continue
        if key in seen:
            letters = table.repeated.setdefault(key, [column_letter(seen[key])])
            letters.append(column_letter(index))
            continue
        seen[key] = index
        table.columns[key] = cell
        keys.append(key)
        places.append(index)
    return keys, places


def read(text: str) -> tuple[Table, Problem | None]:
    """Every non-blank row under the first non-blank row, which is the header."""
    table = Table()
    keys: list[str] = []
    places: list[int] = []
    key_at: dict[int, str] = {}
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
                keys, places = _header(table, cells)
                if not keys:
                    continue
                key_at = dict(zip(places, keys, strict=True))
                width = places[-1] + 1
                pick = None if places == list(range(width)) else places
                continue
            if cells != record:
                # Something was trimmed (str.strip hands back the same object otherwise): a
                # tab or carriage return in front is what a spreadsheet may run as a formula.
                table.leading_controls.extend(
                    (number, key_at[i], raw[0]) for i, raw in enumerate(record)
                    if raw[:1] in ("\t", "\r") and i in key_at)
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            named = cells if pick is None else [cells[i] for i in pick]
            # Cells past the last named column are ignored: zip stops at the last key.
            rows.append((number, dict(zip(keys, named, strict=False))))
    except csv.Error as exc:
        if "field limit" in str(exc):
            # The csv module's words name its internal limit, not what is wrong with the file.
            return table, Problem(reader.line_num, "file", f"Line {reader.line_num} has a cell "
                                  f"of more than {csv.field_size_limit():,} characters, far "
                                  "longer than any sales file has, so the file is damaged. "
                                  "Export it again.")
        return table, Problem(reader.line_num, "file", f"The file cannot be read as CSV ({exc}). "
                              "Open it in a spreadsheet and save it again as CSV.")
    return table, None


def open_table(data: bytes, required: Sequence[str]) -> tuple[Table | None, list[Problem]]:
    """The file's table when it decodes, has every required column once and rows under its
    header, and not too many; else the problems."""
    text, damage = readable_text(data)
    if damage:
        return None, damage
    table, problem = read(text)
    if problem is not None:
        return None, [problem]
    if not table.columns:
        return None, [Problem(None, "file", "The file is empty. Export the sales again.")]
    problems = [Problem(table.header_row, table.name(key),
                        f"The column {table.name(key)!r} is in the header row more than once "
                        f"(columns {', '.join(letters)}), so it is not clear which to read. "
                        "Keep one of them and delete or rename the others.")
                for key, letters in table.repeated.items()]
    wanted = ", ".join(required)
    problems += [Problem(table.header_row, name,
                         f"The column {name!r} is missing from the header row. The file needs "
                         f"the columns {wanted}.")
                 for name in required if name.lower() not in table.columns]
    if problems:
        return None, problems
    if not table.rows:
        return None, [Problem(None, "file", "The file has a header row but no data rows "
                              "under it, so there is nothing to import. Export the sales again "
                              "for a period that has some.")]
    if len(table.rows) > limits.MAX_ROWS:
        return None, [Problem(None, "file", f"The file has {len(table.rows):,} rows; Warranty "
                              f"Desk imports at most {limits.MAX_ROWS:,} at a time. Export a "
                              "shorter period, or split the file.")]
    return table, []
