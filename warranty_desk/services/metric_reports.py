"""The owner's metrics as report tables: one row per group ("All", or each value of the field
compared by), the figures as columns, and the records behind each figure listed beneath."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from warranty_desk.rules.metrics.rows import MetricRows
from warranty_desk.services.metric_figures import (
    MONEY,
    Figure,
    compare,
    figures,
    split,
    weekly,
)
from warranty_desk.services.metric_rows import load_rows
from warranty_desk.services.report_table import Cell, ReportTable
from warranty_desk.services.unit_of_work import UnitOfWork

ALL = "All"
UNIT_WORDS = {"percent": " (%)", "days": " (days)", "count": "", "money": ""}
# Each metric report: its title, one line for the list, and the figures it shows.
METRIC_REPORTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "dashboard": ("Every figure", "every metric on one table, each with the claims behind it",
                  ()),
    # Claims opened are in claim-volume and dashboard: nine columns would not fit 1024 px.
    "claim-cost": ("Claim cost", "cost per claim opened and cost by kind",
                   ("cost-per-claim", "cost-labour", "cost-parts",
                    "cost-replacement", "cost-refund", "cost-shipping", "cost-write-off")),
    "resolution-speed": ("Resolution speed", "median days to resolve, replacement time and "
                         "completion", ("resolution-speed", "replacement-time",
                                        "resolution-completion", "open-claims")),
    "cost-recovery": ("Recovery", "supplier recovery rate and cost recovered, refund accuracy",
                      ("supplier-recovery", "cost-recovery", "refund-accuracy")),
    "warranty-sales": ("Warranty sales", "warranties activated, extensions taken, serials "
                       "missing", ("activations", "extension-take-up", "registration-gaps")),
    "delivery-rates": ("Sync and messages", "events synced to head office and messages "
                       "delivered", ("sync-success", "message-delivery")),
    "trust-score": ("Customer trust", "repeat buying after a claim and claims judged right",
                    ("trust-score", "return-aging")),
}
BEHIND_COLUMNS = ("Group", "Figure", "Records", "Behind it")


def _pick(found: tuple[Figure, ...], keys: tuple[str, ...]) -> tuple[Figure, ...]:
    if not keys:
        return found
    by_key = {f.key: f for f in found}
    return tuple(by_key[k] for k in keys)


def metric_table(uow: UnitOfWork, name: str, *, since: date, until: date, by: str | None = None,
                 filters: Mapping[str, str] | None = None) -> ReportTable:
    """One metric report for shop days since..until, under filters, compared by a field."""
    rows = load_rows(uow.session, since, until, filters)
    if name == "claim-volume":
        return _weekly_table(rows, by, filters)
    if name == "dashboard":
        return _every_figure(rows, by, filters)
    title, _words, keys = METRIC_REPORTS[name]
    every = figures(rows)
    groups = compare(rows, by) if by else {ALL: every}
    picked = {group: _pick(found, keys) for group, found in groups.items()}
    sample = _pick(every, keys)
    columns = ((by or "Shop").capitalize(), *(f.title + UNIT_WORDS[f.unit] for f in sample))
    table = [(group, *(f.value for f in found)) for group, found in picked.items()]
    behind: list[tuple[Cell, ...]] = [
        (group, f.title, len(f.behind), " ".join(f.behind))
        for group, found in picked.items() for f in found if f.behind]
    return ReportTable(
        name=name, title=title, subtitle=_subtitle(since, until, by, filters),
        columns=columns, rows=tuple(table),
        money_columns=frozenset(n + 1 for n, f in enumerate(sample) if f.unit == MONEY),
        chart_column=1,
        notes=tuple(f"{f.title}: {f.definition}" for f in sample),
        follow=(ReportTable(name=f"{name}-behind", title="The records behind each figure",
                            subtitle="Claim numbers, or warranty codes for warranty sales",
                            columns=BEHIND_COLUMNS, rows=tuple(behind)),))


def _every_figure(rows: MetricRows, by: str | None,
                  filters: Mapping[str, str] | None) -> ReportTable:
    """Every figure on a line of its own (twenty-two columns would not fit a till's screen):
    money in its own column so it is formatted and exported as money."""
    groups = compare(rows, by) if by else {ALL: figures(rows)}
    table: list[tuple[Cell, ...]] = [
        (group, f.title + UNIT_WORDS[f.unit], f.value if f.unit == MONEY else None,
         None if f.unit == MONEY else f.value, len(f.behind), " ".join(f.behind))
        for group, found in groups.items() for f in found]
    return ReportTable(
        name="dashboard", title="Every figure",
        subtitle=_subtitle(rows.since, rows.until, by, filters),
        columns=((by or "Shop").capitalize(), "Figure", "Amount", "Value", "Records",
                 "Behind it"),
        rows=tuple(table), money_columns=frozenset({2}),
        # Twenty-two definitions would bury the table: each report of a few figures, the
        # README and the dashboard under the figure picked give them.
        notes=("Each figure is defined in one sentence in the README (The owner's metrics), "
               "in the reports that show a few figures, and on the dashboard (F8) under the "
               "figure picked.",))


def _weekly_table(rows: MetricRows, by: str | None,
                  filters: Mapping[str, str] | None) -> ReportTable:
    groups = split(rows, by) if by else {ALL: rows}
    table: list[tuple[Cell, ...]] = []
    for group, found in groups.items():
        series = weekly(found)
        for week, opened in series["opened"].items():
            table.append((week, group, opened, series["open"][week]))
    return ReportTable(
        name="claim-volume", title="Claim volume by week",
        subtitle=_subtitle(rows.since, rows.until, by, filters),
        columns=("Week", (by or "Shop").capitalize(), "Claims opened", "Open at week's end"),
        rows=tuple(table), chart_column=2,
        notes=("Weeks are ISO weeks of the shop's own calendar; a week cut by the range counts "
               "only its days inside it, and its open claims at the range's last day.",))


def _subtitle(since: date, until: date, by: str | None,
              filters: Mapping[str, str] | None) -> str:
    words = f"{since.isoformat()} to {until.isoformat()}"
    if filters:
        words += "; only " + ", ".join(f"{k} {v}" for k, v in sorted(filters.items()) if v)
    if by:
        words += f"; compared by {by}"
    return words
