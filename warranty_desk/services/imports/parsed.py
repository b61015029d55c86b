"""What a format parser hands back: sales, row-level problems, and how the file names places."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from warranty_desk.services.sale_input import Problem, SaleInput
from warranty_desk.services.sale_refunds import RefundInput

# A parser's way to note a bad cell: (row, lower-case column key, message).
BadCell = Callable[[int, str, str], None]
T = TypeVar("T")


def checked(bad: BadCell, row: int, key: str, check: Callable[[str], T], text: str) -> T | None:
    """What `check` makes of a cell's text, or None once its ValueError is noted at the cell."""
    try:
        return check(text)
    except ValueError as exc:
        bad(row, key, str(exc))
        return None

# Activation words a repeated serial or invoice as "... at row N"; for JSON, N is a place key.
_ROW_MENTION = re.compile(r"\bat row (\d+)")


@dataclass(slots=True)
class Parsed:
    """The sales a file holds, what is wrong with it, and how to name its rows and columns."""

    sales: list[SaleInput] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    # Orders or rows the file itself marks as not sold (refunded, voided): left out, and reported.
    left_out: list[str] = field(default_factory=list)
    # This file's name for each field activation checks ("sku", "price", "date", ...).
    columns: dict[str, str] = field(default_factory=dict)
    # JSON only: the key each sale and line carries as source_row -> (row shown, JSON path).
    places: dict[int, tuple[int, str]] = field(default_factory=dict)
    # Refunds the file reports: each voids the warranties of the units it paid back.
    refunds: list[RefundInput] = field(default_factory=list)

    def units(self) -> int:
        """Every unit the file's sales would give a warranty."""
        return sum(ln.quantity for sale in self.sales for ln in sale.lines)

    def locate(self, problem: Problem) -> Problem:
        """An activation problem restated in this file's rows and column names."""
        column = self.columns.get(problem.column, problem.column)
        if problem.row is None or problem.row not in self.places:
            return Problem(problem.row, column, problem.message)
        row, path = self.places[problem.row]
        return Problem(row, f"{path}.{column}", _ROW_MENTION.sub(self._path_at, problem.message))

    def _path_at(self, match: re.Match[str]) -> str:
        place = self.places.get(int(match.group(1)))
        return f"at {place[1]}" if place else match.group(0)
