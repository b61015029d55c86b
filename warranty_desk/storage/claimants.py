"""The trust score's claimants kept on each claim's roll-up row by triggers (migration 0033 on):
when the customer's claim before it was opened, and the customer's first shop day of buying
after the claim's own shop day.

The trust score counts the customers who claimed in a range, and those of them who bought
again after their first claim in it (services/rollup_reads.claimants_back). Reading that for
the whole shop grouped a quarter's 35,000 claimants and looked each one's days up (75-83 ms of
the 1M-warranty bench shop's dashboard): with these two columns a customer's first claim in the
range is the row whose previous claim is before the range (or none), and they came back when
its next day of buying is on or before the range's last day, read from one index.

Claims of one customer opened at the same instant are ordered by their ids, so exactly one of
them is "first". The next day is a shop day (storage/fact_days.local_day): it is worked out
again with the claims counted per shop day when the shop's zone changes
(services/rollup_upkeep.py), and read only while those counts are for the shop's zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from warranty_desk.storage.fact_days import local_day
from warranty_desk.storage.rollups import install_triggers

_ROW = "claim_rollups"
# The customer's claim opened before this row's (ties by id), from the claims' own index.
_PREV = (f"(SELECT max(c.opened_at) FROM claims c WHERE c.customer_id = {_ROW}.customer_id "
         f"AND (c.opened_at < {_ROW}.opened_at OR (c.opened_at = {_ROW}.opened_at "
         f"AND c.id < {_ROW}.claim_id)))")
_NEXT = (f"(SELECT min(d.sold_on) FROM customer_sale_days d WHERE d.customer_id = "
         f"{_ROW}.customer_id AND d.sold_on > {local_day(f'{_ROW}.opened_at')} AND d.count > 0)")


def _own(claim: str) -> str:
    """UPDATE of both columns of one claim's row."""
    return (f"UPDATE {_ROW} SET prev_opened_at = {_PREV}, next_sale_on = {_NEXT} "
            f"WHERE claim_id = {claim};")


def _follower(r: str) -> str:
    """UPDATE of the previous claim of the claim after row `r`'s place among its customer's
    claims (by when, ties by id): the only other row whose previous claim `r` can be. The
    claim itself is left out: when its own time moved, it may now stand after its old place."""
    after = (f"(SELECT c.id FROM claims c WHERE c.customer_id = {r}.customer_id "
             f"AND c.id != {r}.claim_id AND (c.opened_at > {r}.opened_at "
             f"OR (c.opened_at = {r}.opened_at AND c.id > {r}.claim_id)) "
             "ORDER BY c.opened_at, c.id LIMIT 1)")
    return f"UPDATE {_ROW} SET prev_opened_at = {_PREV} WHERE claim_id = {after};"


def _day_counted(d: str) -> str:
    """UPDATE for a day of buying `d` that now counts: it is the next one of the customer's
    claims before it whose next day was later or none."""
    return (f"UPDATE {_ROW} SET next_sale_on = {d}.sold_on WHERE {d}.count > 0 AND claim_id IN "
            f"(SELECT id FROM claims WHERE customer_id = {d}.customer_id) "
            f"AND (next_sale_on IS NULL OR next_sale_on > {d}.sold_on) "
            f"AND {d}.sold_on > {local_day(f'{_ROW}.opened_at')};")


def _day_gone(d: str) -> str:
    """UPDATE for a day of buying `d` that no longer counts: the claims whose next day it was
    look for their next one again."""
    return (f"UPDATE {_ROW} SET next_sale_on = {_NEXT} WHERE {d}.count > 0 AND claim_id IN "
            f"(SELECT id FROM claims WHERE customer_id = {d}.customer_id) "
            f"AND next_sale_on = {d}.sold_on;")


def _triggers() -> Iterator[tuple[str, str, str]]:
    """(name, event, body): a claim's row made or removed sets its own columns and moves the
    previous claim of the one claim after it; a day of buying that starts or stops counting
    moves the next day of the claims it falls after. Each touches only the rows it can change:
    touching every claim of the customer made each change cost the square of a customer's
    claims (a reseller with 1,000 claims took minutes to have them decided)."""
    yield "rollup_insert", f"AFTER INSERT ON {_ROW} WHEN NEW.customer_id IS NOT NULL", \
        _own("NEW.claim_id") + "\n" + _follower("NEW")
    yield "rollup_delete", f"AFTER DELETE ON {_ROW} WHEN OLD.customer_id IS NOT NULL", \
        _follower("OLD")
    # The services make a row again rather than change it; a tool writing by hand may not.
    yield "rollup_update", f"AFTER UPDATE OF claim_id, customer_id, opened_at ON {_ROW}", (
        _follower("OLD") + "\n" + _follower("NEW") + "\n" + _own("NEW.claim_id"))
    days = "customer_sale_days"
    # Only a day whose count starts or stops being above zero changes a next day of buying
    # (the upsert of each warranty sold adds one to a day already counted: nothing to do).
    yield "days_insert", f"AFTER INSERT ON {days} WHEN NEW.count > 0", _day_counted("NEW")
    yield "days_update", (
        f"AFTER UPDATE ON {days} WHEN (OLD.count > 0) != (NEW.count > 0) "
        "OR OLD.sold_on IS NOT NEW.sold_on OR OLD.customer_id IS NOT NEW.customer_id"), (
        _day_gone("OLD") + "\n" + _day_counted("NEW"))
    yield "days_delete", f"AFTER DELETE ON {days} WHEN OLD.count > 0", _day_gone("OLD")


def trigger_names() -> list[str]:
    """The names the triggers are installed under."""
    return [f"claimants_{name}" for name, _, _ in _triggers()]


def install(execute: Callable[[str], object]) -> None:
    """Create (or create again) the triggers keeping the two columns."""
    install_triggers("claimants", _triggers(), execute)


def rebuild(execute: Callable[[str], object], *, prev: bool = True) -> None:
    """Work both columns (or the next day only, after the zone's changes moved) out again for
    every claim."""
    sets = (f"prev_opened_at = {_PREV}, " if prev else "") + f"next_sale_on = {_NEXT}"
    execute(f"UPDATE {_ROW} SET {sets} WHERE customer_id IS NOT NULL")
