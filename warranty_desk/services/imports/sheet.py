"""The start every CSV parser shares: open the table, screen its cells, name its columns."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter, methodcaller

from warranty_desk.services.imports.fields import FORMULA_START, Field, cell_problem
from warranty_desk.services.imports.parsed import Parsed
from warranty_desk.services.imports.table import Table, open_table
from warranty_desk.services.sale_input import Problem

Bad = Callable[[int, str, str], None]

_SUSPECT = methodcaller("startswith", FORMULA_START)


def open_sheet(
    data: bytes, required: Sequence[str], columns: Mapping[str, str],
    fields: Mapping[str, Field],
) -> tuple[Parsed, Table | None, Bad]:
    """The parse result so far, the table (None if unreadable) and a problem reporter.

    `fields` names the columns the parser reads, each with its length and whether a formula
    is refused. A row with a cell too long or a formula is reported once, by that cell, and
    left out of the table: its other cells are not read, so a message never repeats a whole
    overlong cell. The reporter names the column as the file spells it, so staff find it in
    their sheet.
    """
    table, problems = open_table(data, required)
    parsed = Parsed(problems=problems)

    def bad(row: int, key: str, message: str) -> None:
        name = table.name(key) if table is not None else key
        parsed.problems.append(Problem(row, name, message))

    if table is not None:
        parsed.rows = len(table.rows)
        parsed.columns = {word: table.name(key) for word, key in columns.items()}
        screened = screen(table, fields)
        if screened:
            parsed.problems.extend(screened)
            refused = {p.row for p in screened}
            table.rows = [row for row in table.rows if row[0] not in refused]
    return parsed, table, bad


def screen(table: Table, fields: Mapping[str, Field]) -> list[Problem]:
    """Every cell of the read columns that is too long or would run as a formula.

    Each column is first measured whole, in C (its longest cell, whether any cell starts
    like a formula); only a column that fails is walked row by row to name the cells.
    """
    problems: list[Problem] = []
    cells = list(map(itemgetter(1), table.rows))
    for key, rule in fields.items():
        if key not in table.columns:
            continue
        values = list(map(itemgetter(key), cells))
        if max(map(len, values), default=0) <= rule.limit and not (
                rule.text and any(map(_SUSPECT, values))):
            continue
        for (row, _), value in zip(table.rows, values, strict=True):
            why = cell_problem(value, rule)
            if why is not None:
                problems.append(Problem(row, table.name(key), why))
    return problems + _leading_controls(table, fields, {(p.row, p.column) for p in problems})


def _leading_controls(
    table: Table, fields: Mapping[str, Field], flagged: set[tuple[int | None, str]],
) -> list[Problem]:
    """Text cells that began with a tab or a carriage return, which reading trimmed off."""
    problems: list[Problem] = []
    by_row = dict(table.rows) if table.leading_controls else {}
    for row, key, control in table.leading_controls:
        rule = fields.get(key)
        if rule is None or not rule.text or (row, table.name(key)) in flagged:
            continue
        # The trimmed cell, with the control character back in front that the file had.
        why = cell_problem(control + by_row[row][key], rule)
        problems.append(Problem(row, table.name(key), why or ""))
    return problems
