"""The start every CSV parser shares: open the table, count its rows, name its columns."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from warranty_desk.services.imports.parsed import Parsed
from warranty_desk.services.imports.table import Table, open_table
from warranty_desk.services.sale_input import Problem

Bad = Callable[[int, str, str], None]


def open_sheet(
    data: bytes, required: Sequence[str], columns: Mapping[str, str]
) -> tuple[Parsed, Table | None, Bad]:
    """The parse result so far, the table (None if unreadable) and a problem reporter.

    The reporter names the column as the file spells it, so staff find it in their sheet.
    """
    table, problems = open_table(data, required)
    parsed = Parsed(problems=problems)

    def bad(row: int, key: str, message: str) -> None:
        name = table.name(key) if table is not None else key
        parsed.problems.append(Problem(row, name, message))

    if table is not None:
        parsed.rows = len(table.rows)
        parsed.columns = {word: table.name(key) for word, key in columns.items()}
    return parsed, table, bad
