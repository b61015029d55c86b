"""What the dashboard shows for one range, filters and comparison, read in one go."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.metrics.costs import ALL_KINDS
from warranty_desk.services.metric_figures import Figure, compare, figures, weekly
from warranty_desk.services.metric_rows import load_rows, warranty_codes
from warranty_desk.services.unit_of_work import UnitOfWork, reads


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Every figure, the weekly series, cost by kind, and the figures per compared value."""

    since: date
    until: date
    figures: tuple[Figure, ...]
    weeks: tuple[str, ...]
    opened: tuple[int, ...]  # claims opened per week
    still_open: tuple[int, ...]  # open at each week's end
    cost_kinds: tuple[str, ...]
    cost: tuple[int, ...]  # minor units per kind
    by: str | None
    groups: dict[str, tuple[Figure, ...]]  # per value of the field compared by; {} for none


def dashboard_in(uow: UnitOfWork, actor: Actor, *, since: date, until: date,
                 by: str | None = None, filters: Mapping[str, str] | None = None) -> Dashboard:
    """The dashboard for shop days since..until under filters, compared by a field."""
    require(actor, Permission.VIEW_REPORTS)
    rows = load_rows(uow.session, since, until, filters, summed=True)
    found = figures(rows)
    series = weekly(rows)
    by_key = {f.key: f for f in found}
    cost = tuple(int(by_key[f"cost-{k.replace('_', '-')}"].value or 0) for k in ALL_KINDS)
    return Dashboard(since, until, found, tuple(series["opened"]),
                     tuple(series["opened"].values()), tuple(series["open"].values()),
                     tuple(k.replace("_", "-") for k in ALL_KINDS), cost, by,
                     compare(rows, by) if by else {})


dashboard = reads(dashboard_in)


def behind_in(uow: UnitOfWork, actor: Actor, *, key: str, since: date, until: date,
              filters: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The warranty codes behind a sales figure the dashboard left to read when picked."""
    require(actor, Permission.VIEW_REPORTS)
    return warranty_codes(uow.session, since, until, filters or {},
                          gaps_only=key == "registration-gaps")


behind = reads(behind_in)
