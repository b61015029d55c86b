"""The records behind head office's figures read in SQL: how many stand behind each figure (per
compared group), and one figure's claim numbers or warranty codes a page at a time.

metric_rows.load_rows builds every claim and sale of the range as an object to list what is
behind a figure (seconds at a million warranties); this picks them where they lie, over the
claims metric_counts reads (`cl`: each on its branch's wall clock, under the filters), with the
condition figures.figures applies to its rows. tests/portal/test_metric_behind.py holds every
listing and count equal to the row path's over generated stories.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from portal.errors import PortalInputError
from portal.staff.metric_counts import (
    SALE_DIMS,
    Counted,
    claims_cte,
    fetch_rows,
    joined,
    recovery_shares,
    waiting_units,
    where_equal,
)
from portal.staff.metric_rows import VOID, check_filters, period
from warranty_desk.rules.metrics.claim_facts import ClaimFact
from warranty_desk.rules.metrics.costs import ALL_KINDS
from warranty_desk.rules.metrics.figures import WARRANTY, Figure, figures
from warranty_desk.rules.metrics.rows import MetricRows
from warranty_desk.rules.metrics.sales import activations, registration_gap_count
from warranty_desk.rules.metrics.stock import AGE_BANDS

_OPENED = "cl.opened >= %(start)s AND cl.opened < %(end)s"
_CLOSED = "cl.closed >= %(start)s AND cl.closed < %(end)s"


# The claims behind each claim figure: a condition on `cl` (figures.figures' picks of its rows;
# %(start)s and %(end)s are the range's wall-clock instants).
CLAIM_PICKS: dict[str, str] = {
    "open-claims": "(cl.closed IS NULL OR cl.closed >= %(end)s)",
    "claim-volume": _OPENED, "cost-per-claim": _OPENED,
    **{f"cost-{k.replace('_', '-')}": f"{_OPENED} AND '{k}' = ANY(cl.cost_kinds)"
       for k in ALL_KINDS},
    "resolution-speed": _CLOSED,
    "replacement-time": f"{_CLOSED} AND cl.outcome = 'replace'",
    "refund-accuracy": f"{_CLOSED} AND cl.outcome = 'refund' AND cl.refund_minor IS NOT NULL",
    # One hashed set of every brand claim's claims, not a look through them per claim.
    "supplier-recovery": f"{_OPENED} AND (cl.branch_id, cl.number) IN (SELECT bc.branch_id, "
                         "unnest(bc.claim_numbers) FROM projections_brandclaim bc)",
    "resolution-completion": f"{_OPENED} AND cl.state IN ('resolved', 'rejected')",
    # Rejected now or by a decision it had, or reopened (the claim's roll-up row says).
    "trust-score": f"{_OPENED} AND (cl.rejected OR cl.reopened)",
}
# The claim figures whose claims the facts tell apart (by their days, state, outcome and
# flags); the rest need what only the claims' rows hold, and a claim behind one of those has
# costs posted, a refund or a brand claim (_FEW, which picks the few that may).
_FROM_FACTS: dict[str, Callable[[ClaimFact, date, date], bool]] = {
    "open-claims": lambda f, since, until: f.closed_on is None or f.closed_on > until,
    "claim-volume": lambda f, since, until: since <= f.opened_on <= until,
    "cost-per-claim": lambda f, since, until: since <= f.opened_on <= until,
    "resolution-speed": lambda f, since, until: _on(f.closed_on, since, until),
    "replacement-time": lambda f, since, until: (_on(f.closed_on, since, until)
                                                 and f.outcome == "replace"),
    "resolution-completion": lambda f, since, until: (since <= f.opened_on <= until
                                                      and f.state in ("resolved", "rejected")),
    "trust-score": lambda f, since, until: (since <= f.opened_on <= until
                                            and (f.rejected or f.reopened)),
}
_FEW = ("cardinality(cl.cost_kinds) > 0 OR (cl.outcome = 'refund' AND cl.refund_minor IS NOT "
        "NULL) OR (cl.branch_id, cl.number) IN (SELECT bc.branch_id, unnest(bc.claim_numbers) "
        "FROM projections_brandclaim bc)")


def _on(day: date | None, since: date, until: date) -> bool:
    return day is not None and since <= day <= until


# Read per record and picked in Python (a share of a brand claim's settlement, a unit's age):
# few records, read as the counted page reads them.
_READ = ("cost-recovery", "return-aging")
# The warranty sales figures: a condition on a sale (`w`, its product `p`).
SALE_PICKS: dict[str, str] = {
    "activations": "true",
    "registration-gaps": "coalesce(p.serial_required, true) AND "
                         "btrim(coalesce(w.serial, ''), E' \\t\\n\\r\\f\\v') = ''",
}
_OLD = AGE_BANDS[2][0]  # the return-aging figure counts units waiting this many days or more


@dataclass(frozen=True, slots=True)
class Listed:
    """One page of the records behind a figure, and how many there are in all."""

    figure: Figure
    records: tuple[str, ...]
    total: int


def _bounds(start: datetime, end: datetime) -> dict[str, Any]:
    return {"start": start.replace(tzinfo=None), "end": end.replace(tzinfo=None)}


def _named(cte: str, params: list[Any]) -> tuple[str, dict[str, Any]]:
    """The claims' CTE with its %s parameters turned named (the picks name theirs)."""
    named = {f"p{n}": value for n, value in enumerate(params)}
    parts = cte.split("%s")
    sql = "".join(part + (f"%(p{n})s" if n < len(parts) - 1 else "")
                  for n, part in enumerate(parts))
    return sql, named


def _held(key: str, cte: str, params: list[Any], until: date, filtered: bool,
          start: datetime, end: datetime) -> dict[str, set[str]]:
    """Per group: the claims behind a figure read per record (_READ)."""
    found: dict[str, set[str]] = {"": set()}
    if key == "cost-recovery":  # every claim is in one group: the whole is all of them
        for group, shares in recovery_shares(cte, params, start, end).items():
            found[group] = {r.claim for r in shares if r.settled_minor}
            found[""] |= found[group]
    else:
        whole, groups = waiting_units(cte, params, until, filtered)
        found = {g: {u.claim for u in units if u.age_days >= _OLD}
                 for g, units in groups.items()}
        found[""] = {u.claim for u in whole if u.age_days >= _OLD}
    return found


def _held_of(key: str, counted: Counted) -> dict[str, set[str]]:
    """_held from what the counted page read already (its brand-claim shares and waiting
    units carry their claims), rather than read again."""
    parts = {"": counted.rows, **{g: rows for g, (rows, _) in counted.groups.items()}}
    if key == "cost-recovery":
        return {g: {r.claim for r in rows.recovery if r.settled_minor}
                for g, rows in parts.items()}
    return {g: {u.claim for u in rows.waiting if u.age_days >= _OLD}
            for g, rows in parts.items()}


def _sales(since: date, until: date, filters: Mapping[str, str], by: str, select: str
           ) -> tuple[str, list[Any]]:
    where, params = where_equal(SALE_DIMS, filters)
    grp = SALE_DIMS[by] if by else "''"
    return (f"""SELECT {select.format(grp=grp)}
        FROM projections_warranty w {joined(where + grp + "".join(SALE_PICKS.values()), "w",
                                            filters)}
        WHERE w.sold_on >= %s AND w.sold_on <= %s AND w.status <> ALL(%s){where}""",
            [since, until, list(VOID), *params])


def counts(since: date, until: date, filters: Mapping[str, str], by: str,
           counted: Counted | None = None) -> dict[str, dict[str, int]]:
    """Per group compared by, and "" for the whole: how many records stand behind each figure
    (figures that list none are left out); given what the counted page read, what it holds
    already (shares, waits, sales counted) is not read again. Grouped by GROUPING SETS, the
    whole and the groups come from one read (a claim number may stand in two branches:
    counted once in the whole). When no claim of the range shares its number with another
    branch's, the counted page's facts give most figures' counts, and only the claims with
    costs, refunds or brand claims are read for the rest."""
    wanted = check_filters(filters)
    _zone, start, end = period(since, until)
    found: dict[str, dict[str, int]] = {}
    picked, few = CLAIM_PICKS, "true"
    if counted is not None and not counted.numbers_shared:
        facts_of = {"": counted.facts, **{g: fs for g, (_, fs) in counted.groups.items()}}
        for value, facts in facts_of.items():
            if facts or not value:  # as the read: a group only with its claims, the whole
                found[value] = dict.fromkeys(CLAIM_PICKS, 0) | {
                    key: sum(f.count for f in facts if pick(f, since, until))
                    for key, pick in _FROM_FACTS.items()}
        picked = {k: v for k, v in CLAIM_PICKS.items() if k not in _FROM_FACTS}
        few = _FEW
    # Compared, the groups and the whole in one read; else the whole (one row, even empty).
    group = "CASE WHEN GROUPING(g) = 1 THEN '' ELSE g END" if by else "''"
    sets = " GROUP BY GROUPING SETS ((g), ())" if by else ""
    cte, params = claims_cte(start, end, wanted, by)
    sql, named = _named(cte, params)
    # Claim numbers are counted: a number no other branch has (most) is one claim, counted
    # as such; only shared ones are counted distinct. (count(DISTINCT number) over every claim
    # sorted the range's claims once per figure: 0.1-0.4 s at 50k claims.) OFFSET 0 keeps each
    # claim's picks worked out once: merged into the counts, each was worked out per count.
    picks = ", ".join(f"({pick}) AS \"{key}\"" for key, pick in picked.items())
    columns = ", ".join(f"count(*) FILTER (WHERE \"{key}\" AND NOT shared) + count(DISTINCT "
                        f"number) FILTER (WHERE \"{key}\" AND shared)" for key in picked)
    for value, *ns in fetch_rows(
            f"""{sql} SELECT {group}, {columns} FROM (
                SELECT cl.grp AS g, cl.number, cl.shared, {picks} FROM cl WHERE {few}
                OFFSET 0) AS s{sets}""",
            {**named, **_bounds(start, end)}):
        found.setdefault(value, dict.fromkeys(CLAIM_PICKS, 0)).update(
            zip(picked, map(int, ns), strict=True))
    for key in _READ:
        held = (_held(key, cte, params, until, bool(wanted), start, end) if counted is None
                else _held_of(key, counted))
        for value, numbers in held.items():
            found.setdefault(value, {})[key] = len(numbers)
    if counted is not None:  # one code behind each sale the figures counted (not void)
        parts = {"": counted.rows, **{g: rows for g, (rows, _) in counted.groups.items()}}
        for value, rows in parts.items():
            found.setdefault(value, {}).update({
                "activations": activations(rows.sold, since, until),
                "registration-gaps": registration_gap_count(rows.sold, since, until)})
        return found
    picks = ", ".join(f"({pick}) AS \"{key}\"" for key, pick in SALE_PICKS.items())
    columns = ", ".join(f"count(*) FILTER (WHERE \"{key}\")" for key in SALE_PICKS)
    sql, more = _sales(since, until, wanted, by, "{grp} AS g, " + picks)
    for value, *ns in fetch_rows(f"SELECT {group}, {columns} FROM ({sql}) AS s{sets}", more):
        found.setdefault(value, {}).update(zip(SALE_PICKS, map(int, ns), strict=True))
    return found


def shape(since: date, until: date) -> dict[str, Figure]:
    """Every figure's title, definition and kind of record, by key (no values)."""
    zone, start, end = period(since, until)
    empty = MetricRows(zone, since, until, start, end, (), (), (), (), (), ())
    return {f.key: f for f in figures(empty)}


def listed(since: date, until: date, filters: Mapping[str, str], key: str, *,
           offset: int = 0, limit: int = 200) -> Listed:
    """The claim numbers (or warranty codes) behind one figure under the filters, sorted as
    Python sorts them, `limit` from `offset` on, read by one query."""
    figure = shape(since, until).get(key)
    if figure is None:
        raise PortalInputError(f"There is no figure {key[:40]!r} on the metric page.")
    wanted = check_filters(filters)
    _zone, start, end = period(since, until)
    if key in SALE_PICKS:
        sql, params = _sales(since, until, wanted, "", "w.code")
        return _page(figure, f"{sql} AND {SALE_PICKS[key]}", params, offset, limit)
    if figure.behind_kind == WARRANTY or key not in (*CLAIM_PICKS, *_READ):
        return Listed(figure, (), 0)
    cte, params = claims_cte(start, end, wanted, "")
    if key in _READ:
        every = sorted(_held(key, cte, params, until, bool(wanted), start, end).get("", ()))
        return Listed(figure, tuple(every[offset:offset + limit]), len(every))
    sql, named = _named(cte, params)
    return _page(figure, f"{sql} SELECT DISTINCT cl.number FROM cl WHERE {CLAIM_PICKS[key]}",
                 {**named, **_bounds(start, end)}, offset, limit)


def _page(figure: Figure, sql: str, params: Any, offset: int, limit: int) -> Listed:
    """A page of a listing's records in code-point order (as Python's sorted), with the
    listing's length."""
    found = fetch_rows(f"""SELECT r, count(*) OVER () FROM ({sql}) AS listing(r)
                       ORDER BY r COLLATE "C" LIMIT {int(limit)} OFFSET {int(offset)}""", params)
    if not found and offset:
        total = fetch_rows(f"SELECT count(*) FROM ({sql}) AS listing(r)", params)[0][0]
        return Listed(figure, (), int(total))
    return Listed(figure, tuple(r for r, _ in found), int(found[0][1]) if found else 0)
