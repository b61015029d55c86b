"""What head office's metric page shows: the query in its address, each figure in words with the
records behind it, per value of the field compared by, and the same as CSV and PDF."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.http import QueryDict

from portal import clock
from portal.errors import PortalInputError
from portal.projections.models import Product
from portal.staff.metric_behind import Listed, counts, listed
from portal.staff.metric_counts import load_counted
from portal.staff.metric_rows import branch_only, load_rows
from warranty_desk.rules.metrics.figures import (
    DAYS,
    MONEY,
    PERCENT,
    Figure,
    compare,
    figures,
    weekly,
)
from warranty_desk.rules.metrics.rows import DIMENSIONS

DEFAULT_DAYS = 28  # four weeks up to today when no range is asked for
MAX_DAYS = 3 * 366  # three years: beyond that a page of weeks says nothing more
MAX_TEXT = 200
ALL = "All"


@dataclass(frozen=True, slots=True)
class Query:
    """A range, filters and the field to compare by, as the page's address carries them."""

    since: date
    until: date
    filters: dict[str, str] = field(default_factory=dict)
    by: str = ""

    def params(self, **extra: str) -> str:
        """The query as an address's parameters (with `extra` on top)."""
        values = {"since": self.since.isoformat(), "until": self.until.isoformat(),
                  **self.filters, **({"by": self.by} if self.by else {}), **extra}
        return urlencode({k: v for k, v in values.items() if v})


def _day(raw: str, name: str, fallback: date) -> date:
    if not raw.strip():
        return fallback
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise PortalInputError(f"The {name} date {raw[:40]!r} is not a date; write it as "
                               "2026-11-30.") from None


def parse(get: QueryDict) -> Query:
    """The query from the address; anything wrong is refused in words."""
    today = clock.today()
    until = _day(get.get("until", ""), "to", today)
    since = _day(get.get("since", ""), "from", until - timedelta(days=DEFAULT_DAYS - 1))
    if since > until:
        raise PortalInputError(f"The range starts ({since}) after it ends ({until}); swap the "
                               "dates.")
    if (until - since).days >= MAX_DAYS:
        raise PortalInputError("Pick a range of three years at most.")
    filters = {n: " ".join(get.get(n, "").split())[:MAX_TEXT] for n in DIMENSIONS}
    by = get.get("by", "").strip()
    if by and by not in DIMENSIONS:
        raise PortalInputError(f"Cannot compare by {by[:40]!r}. Compare by: "
                               f"{', '.join(DIMENSIONS)}.")
    return Query(since, until, {k: v for k, v in filters.items() if v}, by)


def currency() -> str:
    """The branches' currency when they share one (amounts are shown without one else)."""
    found = list(Product.objects.exclude(currency="").values_list("currency", flat=True)
                 .distinct()[:2])
    return found[0] if len(found) == 1 else ""


def words(figure: Figure, money: str) -> str:
    """A figure's value as people read it."""
    value = figure.value
    if value is None:
        return "—"
    if figure.unit == MONEY:
        whole, cents = divmod(abs(int(value)), 100)
        return f"{'-' if value < 0 else ''}{whole:,}.{cents:02d}" + (f" {money}" if money else "")
    if figure.unit == PERCENT:
        return f"{value:.1f} %"
    if figure.unit == DAYS:
        return f"{value:g} days"
    return f"{int(value):,}"


@dataclass(frozen=True, slots=True)
class Shown:
    """One figure on the page."""

    figure: Figure
    text: str
    branch_only: str  # why only the branches can give it; "" when head office counts it
    behind: str  # the address of the records behind it; "" for none
    records: int = 0  # how many records stand behind it


@dataclass(frozen=True, slots=True)
class Page:
    """Everything the page, the CSV and the PDF show."""

    query: Query
    figures: tuple[Shown, ...]
    weeks: tuple[str, ...]
    opened: tuple[int, ...]
    still_open: tuple[int, ...]
    groups: dict[str, tuple[Shown, ...]]
    money: str


def _shown(found: tuple[Figure, ...], query: Query, money: str, base: str,
           only: Mapping[str, str], records: Mapping[str, int] | None, **extra: str
           ) -> tuple[Shown, ...]:
    """The figures as shown; `records` counts what stands behind each (None: their own lists).
    A figure links to its records when there are some and head office holds them."""
    shown = []
    for f in found:
        n = len(f.behind) if records is None else records.get(f.key, 0)
        shown.append(Shown(f, "" if f.key in only else words(f, money), only.get(f.key, ""),
                           f"{base}?{query.params(figure=f.key, **extra)}"
                           if n and f.key not in only else "", n))
    return tuple(shown)


def build(query: Query, behind_url: str, *, counted: bool = True) -> Page:
    """The page for a query: head office's records through the figures every till computes,
    counted in SQL (metric_counts, and metric_behind for the records behind each figure, read
    when one is picked), or with `counted` False read as rows, each record listed behind its
    figures (the tests hold the two alike)."""
    money = currency()
    only = branch_only(query.filters, query.by)
    records: dict[str, dict[str, int]] | None = None
    if counted:
        found = load_counted(query.since, query.until, query.filters, query.by)
        series = weekly(found.rows, found.facts)
        whole = figures(found.rows, found.facts)
        compared = {value: figures(rows, facts) for value, (rows, facts)
                    in found.groups.items()}
        records = counts(query.since, query.until, query.filters, query.by, found)
    else:
        rows = load_rows(query.since, query.until, query.filters)
        series, whole = weekly(rows), figures(rows)
        compared = compare(rows, query.by) if query.by else {}

    def of(value: str) -> Mapping[str, int] | None:
        return None if records is None else records.get(value, {})

    groups = {value: _shown(shown, query, money, behind_url, only, of(value),
                            **{query.by: value})
              for value, shown in compared.items()}
    return Page(query, _shown(whole, query, money, behind_url, only, of("")),
                tuple(series["opened"]), tuple(series["opened"].values()),
                tuple(series["open"].values()), groups, money)


def behind(query: Query, key: str, *, offset: int = 0, limit: int = 200) -> Listed:
    """One figure with a page of the records behind it (read in SQL) and how many in all."""
    return listed(query.since, query.until, query.filters, key, offset=offset, limit=limit)


def table(page: Page) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The page as one table: a figure a row, a column per group (All first)."""
    columns = ("Figure", ALL, *page.groups)
    rows = []
    for n, shown in enumerate(page.figures):
        cells = [shown.figure.title, shown.text or "branch figure"]
        cells += [(g[n].text or "branch figure") for g in page.groups.values()]
        rows.append(tuple(cells))
    return columns, rows


def as_csv(page: Page) -> str:
    """The page as CSV: the figures' table, then each figure's definition. A cell that a
    spreadsheet would run as a formula is written as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns, rows = table(page)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(c) for c in row])
    writer.writerow([])
    writer.writerow(["Figure", "Definition", "Records behind it"])
    for shown in page.figures:
        writer.writerow([shown.figure.title, (shown.branch_only and
                         f"A branch figure: head office does not hold {shown.branch_only}.")
                         or shown.figure.definition, shown.records])
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def subtitle(query: Query) -> str:
    """The range, filters and comparison in words."""
    parts = [f"{query.since:%d %b %Y} to {query.until:%d %b %Y}"]
    parts += [f"{k} {v}" for k, v in query.filters.items()]
    if query.by:
        parts.append(f"compared by {query.by}")
    return " · ".join(parts)
