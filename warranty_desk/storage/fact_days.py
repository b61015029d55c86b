"""The claims counted per shop day, kept by triggers on the claims' roll-up (claim_rollups):
what the dashboard's claim figures and costs read for the whole shop, a few thousand rows a
quarter instead of counting forty thousand claims on every opening. Each group sums its claims'
costs per kind.

A shop day is a UTC instant moved by the shop zone's offset at that instant, looked up in
shop_zone_changes (services/shop_days.py works the changes out). Both tables hold the zone
named in claim_fact_zone; when the shop's zone is another (it was changed), the services fill
them again (services/rollup_upkeep.py) and readers count from the claims meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.metrics.costs import ALL_KINDS
from warranty_desk.storage.rollups import install_triggers

_OPEN = ", ".join(f"'{s}'" for s in OPEN_STATES)
KEY = "opened_on, closed_on, state, outcome, on_time, handed_on, rejected, reopened"
# The cost columns summed per group: claim_rollups' own, named alike.
COSTS = tuple(f"cost_{kind}" for kind in (*ALL_KINDS, "other"))
_SUMMED = ("count", *COSTS)
_READ = ", ".join(("opened_at", "closed_at", "state", "outcome", "promised_on", "handed_at",
                   "rejected_event", "reopened", *COSTS))


def local_day(instant: str) -> str:
    """SQL for the shop day of a stored UTC instant, by the offset in force then."""
    # Whole seconds only, as services/shop_days.py: SQLite's millisecond rounding would put
    # 23:59:59.9999 into the next day.
    return (f"date(substr({instant}, 1, 19), (SELECT z.offset_seconds FROM shop_zone_changes z "
            f"WHERE z.at <= {instant} ORDER BY z.at DESC LIMIT 1) || ' seconds')")


def _key(r: str) -> str:
    """The fact's columns for claim_rollups row `r` (NEW, OLD or a table alias): '' for no day
    or outcome (a key column cannot be NULL); the hand-over day only for replacements."""
    closed = local_day(f"{r}.closed_at")
    return (f"{local_day(f'{r}.opened_at')}, coalesce({closed}, ''), {r}.state, "
            f"coalesce({r}.outcome, ''), "
            f"({r}.state NOT IN ({_OPEN}) AND {r}.closed_at IS NOT NULL "
            f"AND {r}.promised_on IS NOT NULL AND {closed} <= {r}.promised_on), "
            f"CASE WHEN {r}.outcome = 'replace' THEN coalesce({local_day(f'{r}.handed_at')}, '') "
            f"ELSE '' END, "
            f"({r}.state = 'rejected' OR {r}.rejected_event), {r}.reopened")


def count_sql(r: str, sign: str, *, costs: bool = True) -> str:
    """SQL counting claim_rollups row `r` into its group with `sign` ('' or '-'), with its
    costs (without them, as migration 0029 counted: its downgrade puts that back)."""
    # Nothing until the zone's changes are filled in (after the upgrade, before the start
    # fills them): the rebuild then counts every claim.
    summed = _SUMMED if costs else ("count",)
    values = "".join(f", {sign}{r}.{c}" for c in COSTS) if costs else ""
    return (f"INSERT INTO claim_fact_days ({KEY}, {', '.join(summed)}) "
            f"SELECT {_key(r)}, {sign}1{values} "
            f"WHERE EXISTS (SELECT 1 FROM claim_fact_zone) ON CONFLICT ({KEY}) DO UPDATE SET "
            + ", ".join(f"{c} = {c} + excluded.{c}" for c in summed) + ";")


def triggers(*, costs: bool = True) -> Iterator[tuple[str, str, str]]:
    """The counting triggers as (name, event, body), with the costs or (0029's) without."""
    yield "insert", "AFTER INSERT ON claim_rollups", count_sql("NEW", "", costs=costs)
    yield "delete", "AFTER DELETE ON claim_rollups", count_sql("OLD", "-", costs=costs)
    # Of the columns a fact reads only: the trust score's columns on the row (storage/
    # claimants.py) change without moving its fact.
    yield "update", f"AFTER UPDATE OF {_READ} ON claim_rollups", (
        count_sql("OLD", "-", costs=costs) + "\n" + count_sql("NEW", "", costs=costs))


def trigger_names() -> list[str]:
    """The names the triggers are installed under."""
    return [f"fact_days_{name}" for name, _, _ in triggers()]


def install(execute: Callable[[str], object]) -> None:
    """Create (or create again) every counting trigger."""
    install_triggers("fact_days", triggers(), execute)


def rebuild(execute: Callable[[str], object]) -> None:
    """Count every claim again by the zone changes now in shop_zone_changes (none while no
    zone's changes are filled in, as the triggers)."""
    execute("DELETE FROM claim_fact_days")
    costs = ", ".join(f"sum(r.{c})" for c in COSTS)
    execute(f"INSERT INTO claim_fact_days ({KEY}, {', '.join(_SUMMED)}) "
            f"SELECT {_key('r')}, count(*), {costs} "
            f"FROM claim_rollups r WHERE EXISTS (SELECT 1 FROM claim_fact_zone) "
            f"GROUP BY 1, 2, 3, 4, 5, 6, 7, 8")
