"""A refunded claim's refund facts kept on its roll-up row by triggers (migration 0033 on): the
amount refunded, the price paid for the unit, and who approved it (the manager who overrode a
rule for it, else who decided it; the newest decision if it was decided twice).

The dashboard's refund accuracy read each refund of a quarter with its claim, warranty, invoice
line and decision event (26 ms of CPU on the 1M-warranty bench shop, on every opening and every
filter that lets the whole shop through); now one roll-up row each, the approver's role read
from the staff table as before (a role may change after the refund). Rows of any other outcome
hold none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from warranty_desk.storage.rollups import install_triggers

_ROW = "claim_rollups"
_OF_ROW = f"{_ROW}.claim_id"
# As services/refund_rows.py reads them from the claim, its sale's line and its events.
_AMOUNT = f"(SELECT c.refund_minor FROM claims c WHERE c.id = {_OF_ROW})"
_PAID = ("(SELECT l.unit_price_minor FROM claims c JOIN warranties w ON w.id = c.warranty_id "
         f"JOIN invoice_lines l ON l.id = w.invoice_line_id WHERE c.id = {_OF_ROW})")
_BY = ("(SELECT coalesce(e.override_by_id, e.staff_id) FROM claim_events e "
       f"WHERE e.claim_id = {_OF_ROW} AND e.to_state = 'resolved' ORDER BY e.at DESC LIMIT 1)")
_SET = f"UPDATE {_ROW} SET refund_minor = {_AMOUNT}, refund_paid = {_PAID}, refund_by = {_BY}"


def _again(where: str) -> str:
    """The refund facts of the refunded claims' rows `where` picks worked out again."""
    return f"{_SET} WHERE outcome = 'refund' AND {where};"


def _triggers() -> Iterator[tuple[str, str, str]]:
    """(name, event, body): a row made again (the services' way with any change to a claim's
    outcome, sale or events that the roll-up reads), and the changes to what the facts read
    that do not make the row again."""
    yield "rollup_insert", f"AFTER INSERT ON {_ROW} WHEN NEW.outcome = 'refund'", \
        _again("claim_id = NEW.claim_id")
    yield "claims_amount", "AFTER UPDATE OF refund_minor ON claims", \
        _again("claim_id = NEW.id")
    # A changed or removed event makes the claim's row again (storage/rollups.py); a new one
    # only when a figure reads its kind, which a decision's is not.
    yield "events_insert", "AFTER INSERT ON claim_events WHEN NEW.to_state = 'resolved'", \
        _again("claim_id = NEW.claim_id")
    yield "lines_price", "AFTER UPDATE OF unit_price_minor ON invoice_lines", _again(
        "claim_id IN (SELECT c.id FROM warranties w JOIN claims c ON c.warranty_id = w.id "
        "WHERE w.invoice_line_id = NEW.id)")


def trigger_names() -> list[str]:
    """The names the triggers are installed under."""
    return [f"refund_facts_{name}" for name, _, _ in _triggers()]


def install(execute: Callable[[str], object]) -> None:
    """Create (or create again) the triggers keeping the refund facts."""
    install_triggers("refund_facts", _triggers(), execute)


def rebuild(execute: Callable[[str], object]) -> None:
    """Work every refunded claim's facts out again (the rows of other outcomes hold none)."""
    execute(_again("1").rstrip(";"))
