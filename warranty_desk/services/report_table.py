"""A report as plain cells, which the screen, CSV, JSON and PDF each format their own way."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from warranty_desk.money import MoneyFormat

Cell = str | int | float | None


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A report as plain cells; the screen, CSV and PDF each format it their own way."""

    name: str
    title: str
    subtitle: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    money_columns: frozenset[int] = frozenset()  # minor units, formatted in the shop's currency
    chart_column: int | None = None  # the column drawn as bars, labelled by the first column
    notes: tuple[str, ...] = ()
    # Tables listed under this one, each with its own columns (the failures under the rates).
    follow: tuple[ReportTable, ...] = ()

    def for_people(self, money: MoneyFormat) -> tuple[tuple[str, ...], ...]:
        """Every row as a person reads it: amounts in the shop's currency, – for none."""
        return tuple(tuple(_people_cell(v, n in self.money_columns, money)
                           for n, v in enumerate(row)) for row in self.rows)

    def for_files(self, money: MoneyFormat) -> tuple[tuple[Cell | Decimal, ...], ...]:
        """Every row for CSV and JSON: amounts as exact major units (799.00), the rest as is."""
        return tuple(tuple(money.major(v) if n in self.money_columns and isinstance(v, int)
                           else v for n, v in enumerate(row)) for row in self.rows)


def _people_cell(value: Cell, is_money: bool, money: MoneyFormat) -> str:
    if value is None:
        return "–"
    if is_money and isinstance(value, int):
        return money.people(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
