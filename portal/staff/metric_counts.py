"""Head office's metrics counted in PostgreSQL: claims into ClaimFact groups, sales into SoldRow
groups, costs summed per kind, so the page runs figures(rows, facts) as the till does.

metric_rows.load_rows reads every claim and sale of the range as an object (tens of thousands
at a million warranties: seconds); this counts them where they lie and reads only what a figure
needs per record (refunds, waits, brand claims: a few). Claims are read from their roll-up rows
(projections.ClaimRoll, kept by triggers of migration 0015), where each is already resolved:
its product, its instants on its branch's wall clock (AT TIME ZONE with the zone its till told,
UTC until it has, as metric_rows._wall does in Python), what its events gave. Reading the
claims and their events per page cost 1-2 s of PostgreSQL at 1M warranties.
tests/portal/test_metric_counts.py holds every figure equal to the row path's over generated
stories across zones, ranges and filters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection, transaction

from portal.staff.metric_rows import (
    NOT_RECORDED,
    VOID,
    check_filters,
    period,
)
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.metrics.claim_facts import ClaimFact
from warranty_desk.rules.metrics.figures import check_field
from warranty_desk.rules.metrics.rows import (
    CostRow,
    MetricRows,
    RecoveryShare,
    RefundRow,
    SoldRow,
    WaitingUnit,
)
from warranty_desk.rules.recovery import split_by_weight

_NR = NOT_RECORDED.replace("'", "''")


def _named(expr: str) -> str:
    """A filter field's value as the rows fill it: blank is "not recorded"."""
    return f"coalesce(nullif({expr}, ''), '{_NR}')"


# The filter fields (rules.metrics.rows.DIMENSIONS) as SQL over a sale and over a claim's
# roll-up row (its product `p` resolved: its SKU's at its branch, else its warranty's), as
# metric_rows._dims fills them.
SALE_DIMS = {
    "product": _named("p.sku"), "brand": _named("p.brand"), "category": _named("p.category"),
    "branch": _named("b.code"), "supplier": _named("coalesce(nullif(p.supplier, ''), p.brand)"),
    "staff": f"'{_NR}'"}
_CLAIM_DIMS = {**SALE_DIMS, "staff": _named("r.staff")}
# Per field a claim's customer's soonest next day of buying the claim's own value of it
# (the roll-up's columns, migration 0016; a sale has no staff member).
_NEXT_SAME = {f: f"next_same_{f}_on" for f in ("product", "brand", "category", "supplier",
                                                "branch")}


@dataclass(frozen=True, slots=True)
class Counted:
    """What the page needs for a range under filters: the whole, and per value compared by."""

    rows: MetricRows
    facts: list[ClaimFact]
    groups: dict[str, tuple[MetricRows, list[ClaimFact]]]
    # Some claim of the range has a number another branch's claim has too (records behind a
    # figure are claim numbers: then they cannot be counted from the facts).
    numbers_shared: bool = True


def joined(named: str, row: str, filters: Mapping[str, str]) -> str:
    """The joins of a row (`row`, its alias: a sale's or a claim roll-up's) to its branch `b` and
    product `p`, each only when the SQL `named` (its filters and grouping) reads it: the
    branch is never missing (a foreign key, not null) and the product is joined LEFT, so
    leaving out a join nobody reads changes no row, and it saved 15-30 ms a statement over
    the range's 50k claims or 60k sales counts, or a probe per claimant. The product is
    joined inner when a filter on it asks for a value a missing product cannot have (every
    product field reads "not recorded" then): the same rows, but PostgreSQL can then filter
    the products before joining rather than every joined row (it cannot see through the
    coalesce), a fifth of a one-brand page."""
    inner = any("p." in SALE_DIMS[k] and v != NOT_RECORDED for k, v in filters.items())
    return (f"JOIN branches_branch b ON b.id = {row}.branch_id " if "b." in named else "") + (
        f"{'' if inner else 'LEFT '}JOIN projections_product p ON p.id = {row}.product_id"
        if "p." in named else "")


def where_equal(dims: Mapping[str, str], filters: Mapping[str, str]) -> tuple[str, list[Any]]:
    """An `AND field = %s` condition per filter (the field as `dims` writes it in SQL), and
    the filters' values for them."""
    return "".join(f" AND {dims[k]} = %s" for k in filters), list(filters.values())


def fetch_rows(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """A metric read's rows (its parameters by position or by name), with PostgreSQL's JIT
    off: a page's statements are estimated costly enough to be compiled, and compiling took
    0.2-0.4 s of CPU per statement at 1M warranties, more than running them."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def claims_cte(start: datetime, end: datetime, filters: Mapping[str, str], by: str
                ) -> tuple[str, list[Any]]:
    """`cl`: the claims open on some of the range's days on their branch's wall clock (opened
    before its last day ends, not closed before its first day starts), under the filters,
    with their wall-clock instants, what their events gave and the value compared by as grp;
    read from their roll-up rows (projections.ClaimRoll), where all of it is worked out."""
    where, params = where_equal(_CLAIM_DIMS, filters)
    grp = _CLAIM_DIMS[by] if by else "''"
    joins = joined(where + grp, "r", filters)  # a page runs seven statements over these
    sql = f"""
        WITH cl AS (
            SELECT r.claim_id AS id, r.branch_id, r.number, r.state, r.outcome,
                   r.customer_id, r.promised_on, r.refund_minor, r.approver_role,
                   r.approver_limit_minor, r.warranty_id, {grp} AS grp, r.opened, r.closed,
                   r.handed_on, r.rejected, r.reopened, r.cost_kinds, r.next_sale_on, r.shared,
                   {", ".join(f"r.{c}" for c in _NEXT_SAME.values())}
            FROM projections_claimroll r {joins}
            WHERE r.opened < %s AND (r.closed IS NULL OR r.closed >= %s){where})"""
    return sql, [end.replace(tzinfo=None), start.replace(tzinfo=None), *params]


def _facts(cte: str, params: list[Any]) -> tuple[list[ClaimFact], bool]:
    """The claims counted into alike facts, each with its group; and whether a claim of them
    has a number another branch's claim has too."""
    sql = f"""{cte}
        SELECT cl.grp, cl.opened::date, cl.state, cl.closed::date, nullif(cl.outcome, ''),
               (cl.state <> ALL(%s) AND cl.closed IS NOT NULL AND cl.promised_on IS NOT NULL
                AND cl.closed::date <= cl.promised_on),
               cl.handed_on, cl.rejected, cl.reopened, count(*), bool_or(cl.shared)
        FROM cl GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"""
    found = fetch_rows(sql, [*params, list(OPEN_STATES)])
    return [ClaimFact(opened, state, closed, outcome, bool(on_time), handed, bool(rejected),
                      bool(reopened), g, int(n))
            for g, opened, state, closed, outcome, on_time, handed, rejected, reopened, n, _
            in found], any(row[-1] for row in found)


def _opened(start: datetime, end: datetime) -> tuple[str, list[Any]]:
    """The condition on `cl` for a claim opened on the range's days."""
    return "cl.opened >= %s AND cl.opened < %s", [start.replace(tzinfo=None),
                                                    end.replace(tzinfo=None)]


def _amount(value: Any) -> int:
    return int(value or 0)  # as metric_rows._costs reads a posting's amount


def _costs(cte: str, params: list[Any], start: datetime, end: datetime
           ) -> dict[str, list[CostRow]]:
    """Per group: the costs posted on the claims opened in the range, summed per kind."""
    opened, more = _opened(start, end)
    sql = f"""{cte}
        SELECT cl.grp, coalesce(e.details->>'kind', ''), e.details->'amount_minor', count(*)
        FROM cl JOIN projections_claimevent e ON e.claim_id = cl.id
        WHERE cardinality(cl.cost_kinds) > 0 AND e.topic = 'claim.cost_posted' AND {opened}
        GROUP BY 1, 2, 3"""
    summed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g, kind, amount, n in fetch_rows(sql, [*params, *more]):
        summed[g][kind] += _amount(amount) * int(n)
    return {g: [CostRow("", k, v) for k, v in kinds.items()] for g, kinds in summed.items()}


def _refunds(cte: str, params: list[Any], start: datetime, end: datetime
             ) -> dict[str, list[RefundRow]]:
    """Per group: refunds decided in the range, each with the refund costs posted on it."""
    sql = f"""{cte}
        SELECT cl.grp, cl.number, cl.closed, cl.refund_minor, w.price_minor,
               cl.approver_role, cl.approver_limit_minor,
               array(SELECT e.details->'amount_minor' FROM projections_claimevent e
                     WHERE e.claim_id = cl.id AND e.topic = 'claim.cost_posted'
                       AND coalesce(e.details->>'kind', '') = 'refund')
        FROM cl LEFT JOIN projections_warranty w ON w.id = cl.warranty_id
        WHERE cl.outcome = 'refund' AND cl.refund_minor IS NOT NULL
          AND cl.closed >= %s AND cl.closed < %s
        ORDER BY cl.closed, cl.number"""
    found: dict[str, list[RefundRow]] = defaultdict(list)
    for g, number, at, amount, paid, role, limit, ledger in fetch_rows(
            sql, [*params, start.replace(tzinfo=None), end.replace(tzinfo=None)]):
        found[g].append(RefundRow(number, at.replace(tzinfo=UTC), int(amount), paid,
                                  role or None, limit, sum(_amount(a) for a in ledger)))
    return found


def waiting_units(cte: str, params: list[Any], until: date, filtered: bool
             ) -> tuple[list[WaitingUnit], dict[str, list[WaitingUnit]]]:
    """Units whose last move was into returns stock, aged to the range's last day on their
    branch's days: every claim's unfiltered, the range's claims' under a filter; and per group,
    the units of the range's claims of that group (figures.narrow keeps them so)."""
    sql = f"""{cte}
        SELECT r.number, r.waiting_since, cl.grp
        FROM projections_claimroll r LEFT JOIN cl ON cl.id = r.claim_id
        WHERE r.waiting_since IS NOT NULL"""
    whole: list[WaitingUnit] = []
    groups: dict[str, list[WaitingUnit]] = defaultdict(list)
    for number, day, g in fetch_rows(sql, params):
        unit = WaitingUnit(number, max((until - day).days, 0))
        if g is not None:
            groups[g].append(unit)
        if g is not None or not filtered:
            whole.append(unit)
    return sorted(whole, key=lambda u: u.claim), groups


def recovery_shares(cte: str, params: list[Any], start: datetime, end: datetime
              ) -> dict[str, list[RecoveryShare]]:
    """Per group: each claim opened in the range with its share of what each brand claim
    holding it owed and settled (metric_rows.recovery_shares)."""
    opened, more = _opened(start, end)
    sql = f"""{cte},
        mine AS (SELECT cl.branch_id, cl.number, cl.grp FROM cl WHERE {opened})
        SELECT bc.branch_id, bc.brand, bc.claim_numbers, bc.expected_per_claim,
               bc.expected_minor, bc.settled_minor,
               array(SELECT m.number || chr(31) || m.grp FROM mine m
                     WHERE m.branch_id = bc.branch_id AND m.number = ANY(bc.claim_numbers))
        FROM projections_brandclaim bc
        WHERE EXISTS (SELECT 1 FROM mine m WHERE m.branch_id = bc.branch_id
                        AND m.number = ANY(bc.claim_numbers))
        ORDER BY bc.id"""
    found: dict[tuple[int, str], list[Any]] = {}
    for branch, brand, numbers, per_claim, expected_minor, settled, held in fetch_rows(
            sql, [*params, *more]):
        mine = dict(h.split(chr(31), 1) for h in held)
        expected = list(per_claim)
        if len(expected) != len(numbers):  # an older till: only the whole is known
            expected = [expected_minor] if len(numbers) == 1 else [0] * len(numbers)
        for number, want, share in zip(numbers, expected, split_by_weight(settled, expected),
                                       strict=True):
            if number in mine:
                row = found.setdefault((branch, number), [number, brand, 0, 0, mine[number]])
                row[2] += want
                row[3] += share
    groups: dict[str, list[RecoveryShare]] = defaultdict(list)
    for number, brand, want, share, g in found.values():
        groups[g].append(RecoveryShare(number, brand, want, share))
    return groups


def _sales_from(filters: Mapping[str, str], by: str) -> tuple[str, str, list[Any]]:
    where, params = where_equal(SALE_DIMS, filters)
    grp = SALE_DIMS[by] if by else "''"
    return (f"""FROM projections_warranty w {joined(where + grp, "w", filters)}
                WHERE w.sold_on >= %s AND w.sold_on <= %s{where}""", grp, params)


def _sold(since: date, until: date, filters: Mapping[str, str], by: str
          ) -> dict[str, list[SoldRow]]:
    """Per group: the warranties sold on the range's days, counted alike (sale day, serial
    needed, serial there, void). Read from the roll-up counted per branch, product and day as
    warranties are written (projections.SalesCount), then given their fields: the joins run
    once per group of sales rather than once per sale."""
    where, params = where_equal(SALE_DIMS, filters)
    grp = SALE_DIMS[by] if by else "''"
    sql = f"""
        WITH w AS (
            SELECT branch_id, product_id, sold_on, has_serial AS has, status = ANY(%s) AS void,
                   count AS n
            FROM projections_salescount WHERE sold_on >= %s AND sold_on <= %s)
        SELECT {grp}, w.sold_on, coalesce(p.serial_required, true), w.has, w.void, sum(w.n)
        FROM w {joined(where + grp + " p.serial_required", "w", filters)}
        WHERE true{where} GROUP BY 1, 2, 3, 4, 5"""
    found: dict[str, list[SoldRow]] = defaultdict(list)
    for g, day, needed, has, void, n in fetch_rows(sql, [list(VOID), since, until, *params]):
        found[g].append(SoldRow(day, needed, "x" if has else None, void=void,
                                dims={by: g} if by else {}, count=int(n)))
    return found


def _came_back(filters: Mapping[str, str], by: str) -> str | None:
    """The roll-up column holding a claim's customer's soonest next day of buying that counts
    under the filters and in its group: any sale's with none, a sale of the claim's own
    value's when they name one field that has one (every claim read has the filter's value,
    and a group's claims its value); None when a sale must be looked up."""
    fields = {*filters, *([by] if by else [])}
    if not fields:
        return "next_sale_on"
    return _NEXT_SAME.get(next(iter(fields))) if len(fields) == 1 else None


def _claimants(cte: str, params: list[Any], start: datetime, end: datetime, since: date,
               until: date, filters: Mapping[str, str], by: str) -> dict[str, tuple[int, int]]:
    """Per group: customers with a claim opened in the range, and those of them who bought
    again (a sale of the range under the filters, not void) after their first claim's day.
    The soonest such sale is on the roll-up rows (_came_back): the soonest next day of buying
    of their claims (after each claim's day, so the first claim's is the soonest), on or
    before the range's last day. Under filters naming more than one field, or a field sales
    have not (staff), any sale after that day is found on the rows first, and only for
    those who bought again at all is a sale of the claim's part looked up (8,400 lookups, 50
    ms of a one-brand page, before the rows held a field's own day; a lookup per claimant
    cost 0.6 s at 50k claimants). coalesce: `unknown AND ...` would look up those who never
    bought again too."""
    opened, more = _opened(start, end)
    column = _came_back(filters, by)
    probe = column is None
    rest, grp, sale_params = _sales_from(filters, by)
    same_part = f"""EXISTS (
            SELECT 1 {rest} AND w.customer_id = f.customer_id AND w.sold_on > f.day
              AND w.status <> ALL(%s) AND {grp} = f.grp)"""
    sql = f"""{cte},
        first AS (SELECT cl.grp, cl.customer_id, min(cl.opened::date) AS day,
                         min(cl.{column or "next_sale_on"}) AS back FROM cl
                  WHERE cl.customer_id IS NOT NULL AND {opened} GROUP BY 1, 2)
        SELECT f.grp, count(*), count(*) FILTER (WHERE coalesce(f.back <= %s, false) AND {
            same_part if probe else 'true'})
        FROM first f GROUP BY 1"""
    more_params = [since, until, *sale_params, list(VOID)] if probe else []
    return {g: (int(n), int(back)) for g, n, back in fetch_rows(
        sql, [*params, *more, until, *more_params])}


def load_counted(since: date, until: date, filters: Mapping[str, str] | None = None,
                 by: str = "") -> Counted:
    """The rows and facts the figures read for the days since..until (each branch's own) under
    the filters, counted in SQL; and per value of `by`, the same for that value's part (as
    figures.split makes it from rows). Compared, everything is read once per group and the
    whole is the groups added up (each claim and sale is in one group), but for the trust
    score's customers: one may claim in two groups."""
    wanted = check_filters(filters or {})
    if by:
        check_field(by)
    zone, start, end = period(since, until)
    part = _parts(since, until, start, end, wanted, by)

    def rows(value: str, claimants: tuple[int, int]) -> MetricRows:
        return MetricRows(
            zone, since, until, start, end, (), tuple(part.costs_of.get(value, ())),
            tuple(part.sold_of.get(value, ())), (), (), (),
            tuple(part.refunds_of.get(value, ())),
            tuple(part.waiting_of.get(value, ())) if by else tuple(part.waiting_all),
            tuple(part.recovery_of.get(value, ())), sold_summed=True, claimants=claimants)

    if not by:
        return Counted(rows("", part.claimants_of.get("", (0, 0))), part.facts_of, {},
                       part.shared)
    groups = {value: (rows(value, part.claimants_of.get(value, (0, 0))),
                      [f for f in part.facts_of if f.group == value])
              for value in sorted({f.group for f in part.facts_of} | set(part.sold_of))}
    cte, params = claims_cte(start, end, wanted, "")
    claimants = _claimants(cte, params, start, end, since, until, wanted, "").get("", (0, 0))
    return Counted(_added(rows("", claimants), part), _facts_added(part.facts_of), groups,
                   part.shared)


def _facts_added(facts: list[ClaimFact]) -> list[ClaimFact]:
    """The groups' facts as the whole's: alike facts of every group counted together."""
    counted: dict[ClaimFact, int] = defaultdict(int)
    for f in facts:
        counted[replace(f, group="", count=1)] += f.count
    return [replace(f, count=n) for f, n in counted.items()]


def _added(empty: MetricRows, part: _Parts) -> MetricRows:
    """The whole's rows from every group's."""
    costs: dict[str, int] = defaultdict(int)
    for found in part.costs_of.values():
        for cost in found:
            costs[cost.kind] += cost.amount_minor
    sold: dict[tuple[date, bool, str | None, bool], int] = defaultdict(int)
    for group in part.sold_of.values():
        for s in group:
            sold[s.sold_on, s.serial_required, s.serial, s.void] += s.count
    return replace(
        empty, costs=tuple(CostRow("", k, v) for k, v in costs.items()),
        sold=tuple(SoldRow(day, needed, serial, void=void, count=n)
                   for (day, needed, serial, void), n in sold.items()),
        refunds=tuple(sorted((r for g in part.refunds_of.values() for r in g),
                             key=lambda r: (r.decided_at, r.claim))),
        waiting=tuple(part.waiting_all),
        recovery=tuple(r for g in part.recovery_of.values() for r in g))


@dataclass(slots=True)
class _Parts:
    """Everything counted, per group (one group, "", when nothing is compared)."""

    facts_of: list[ClaimFact]
    shared: bool
    costs_of: dict[str, list[CostRow]]
    sold_of: dict[str, list[SoldRow]]
    refunds_of: dict[str, list[RefundRow]]
    waiting_all: list[WaitingUnit]
    waiting_of: dict[str, list[WaitingUnit]]
    recovery_of: dict[str, list[RecoveryShare]]
    claimants_of: dict[str, tuple[int, int]]


def _parts(since: date, until: date, start: datetime, end: datetime,
           filters: Mapping[str, str], by: str) -> _Parts:
    cte, params = claims_cte(start, end, filters, by)
    waiting, waiting_of = waiting_units(cte, params, until, bool(filters))
    facts, shared = _facts(cte, params)
    return _Parts(facts, shared, _costs(cte, params, start, end),
                  _sold(since, until, filters, by), _refunds(cte, params, start, end),
                  waiting, waiting_of, recovery_shares(cte, params, start, end),
                  _claimants(cte, params, start, end, since, until, filters, by))

