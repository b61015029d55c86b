"""The claims counted per shop day, kept by triggers on the claims' roll-up (claim_rollups):
what the dashboard's claim figures read for the whole shop, a few thousand rows a quarter
instead of counting forty thousand claims on every opening.

A shop day is a UTC instant moved by the shop zone's offset at that instant, looked up in
shop_zone_changes (services/shop_days.py works the changes out). Both tables hold the zone
named in claim_fact_zone; when the shop's zone is another (it was changed), the services fill
them again (services/rollup_upkeep.py) and readers count from the claims meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.storage.rollups import install_triggers

_OPEN = ", ".join(f"'{s}'" for s in OPEN_STATES)
KEY = "opened_on, closed_on, state, outcome, on_time, handed_on, rejected, reopened"
_UPSERT = f"ON CONFLICT ({KEY}) DO UPDATE SET count = count + excluded.count"


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


def _count(r: str, sign: str) -> str:
    # Nothing until the zone's changes are filled in (after the upgrade, before the start
    # fills them): the rebuild then counts every claim.
    return (f"INSERT INTO claim_fact_days ({KEY}, count) SELECT {_key(r)}, {sign}1 "
            f"WHERE EXISTS (SELECT 1 FROM claim_fact_zone) {_UPSERT};")


def _triggers() -> Iterator[tuple[str, str, str]]:
    yield "insert", "AFTER INSERT ON claim_rollups", _count("NEW", "")
    yield "delete", "AFTER DELETE ON claim_rollups", _count("OLD", "-")
    yield "update", "AFTER UPDATE ON claim_rollups", _count("OLD", "-") + "\n" + _count("NEW", "")


def trigger_names() -> list[str]:
    """The names the triggers are installed under."""
    return [f"fact_days_{name}" for name, _, _ in _triggers()]


def install(execute: Callable[[str], object]) -> None:
    """Create (or create again) every counting trigger."""
    install_triggers("fact_days", _triggers(), execute)


def rebuild(execute: Callable[[str], object]) -> None:
    """Count every claim again by the zone changes now in shop_zone_changes (none while no
    zone's changes are filled in, as the triggers)."""
    execute("DELETE FROM claim_fact_days")
    execute(f"INSERT INTO claim_fact_days ({KEY}, count) SELECT {_key('r')}, count(*) "
            f"FROM claim_rollups r WHERE EXISTS (SELECT 1 FROM claim_fact_zone) "
            f"GROUP BY 1, 2, 3, 4, 5, 6, 7, 8")
