"""What the dashboard shows for one range, filters and comparison, read in one go."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from warranty_desk.errors import BadInput
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.metrics.costs import ALL_KINDS
from warranty_desk.services.compared_reads import volumes
from warranty_desk.services.metric_facts import claims_behind, load_compared, load_facts
from warranty_desk.services.metric_figures import Figure, figures, weekly
from warranty_desk.services.metric_rows import check_filters, load_rows, warranty_codes
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
    # Claims opened per value of the field compared by, the comparison's chart; {} for none.
    # Every figure per value is compared(): read after the chart shows, as it takes longer.
    volumes: dict[str, int]


def dashboard_in(uow: UnitOfWork, actor: Actor, *, since: date, until: date,
                 by: str | None = None, filters: Mapping[str, str] | None = None) -> Dashboard:
    """The dashboard for shop days since..until under filters, compared by a field."""
    require(actor, Permission.VIEW_REPORTS)
    rows, facts = load_facts(uow.session, since, until, filters)
    found = figures(rows, facts)
    series = weekly(rows, facts)
    by_key = {f.key: f for f in found}
    cost = tuple(int(by_key[f"cost-{k.replace('_', '-')}"].value or 0) for k in ALL_KINDS)
    return Dashboard(since, until, found, tuple(series["opened"]),
                     tuple(series["opened"].values()), tuple(series["open"].values()),
                     tuple(k.replace("_", "-") for k in ALL_KINDS), cost, by,
                     volumes(uow.session, since, until, check_filters(filters or {}), by,
                             (int(by_key["claim-volume"].value or 0), bool(facts or rows.sold)))
                     if by else {})


dashboard = reads(dashboard_in)


def compared_in(uow: UnitOfWork, actor: Actor, *, since: date, until: date, by: str,
                filters: Mapping[str, str] | None = None) -> dict[str, tuple[Figure, ...]]:
    """Every figure per value of the field compared by, for shop days since..until under the
    filters: the same groups as the dashboard's volumes, each a value's own dashboard."""
    require(actor, Permission.VIEW_REPORTS)
    return {value: figures(*part) for value, part in load_compared(
        uow.session, since, until, filters or {}, by).items()}


compared = reads(compared_in)

# The figures whose records behind are warranties, read by their codes.
WARRANTY_FIGURES = frozenset({"activations", "registration-gaps"})


def behind_in(uow: UnitOfWork, actor: Actor, *, key: str, since: date, until: date,
              filters: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The records behind a figure the dashboard left to read when picked: the warranty
    codes behind a sales figure, the claim numbers behind any other."""
    require(actor, Permission.VIEW_REPORTS)
    if key in WARRANTY_FIGURES:
        return warranty_codes(uow.session, since, until, filters or {},
                              gaps_only=key == "registration-gaps")
    quick = claims_behind(uow.session, key, since, until, filters or {})
    if quick is not None:
        return quick
    found = {f.key: f for f in figures(load_rows(uow.session, since, until, filters))}
    if key not in found:
        raise BadInput(f"There is no figure {key!r} on the dashboard.")
    return found[key].behind


behind = reads(behind_in)
