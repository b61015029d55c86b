"""The returns desk's two tables: faulty units in returns stock, and supplier batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ui.models.record_table import Column, RecordTableModel
from warranty_desk.services.returns import BatchView, StockUnit

_STATUS_WORDS = {"received": "Waiting for a batch", "packed": "Packed in {batch}",
                 "back": "Back from supplier ({batch})"}


def stock_model() -> RecordTableModel[StockUnit]:
    """Returns stock, one unit a row, keyed by its claim number."""
    return RecordTableModel((
        Column("Claim", lambda u: u.claim_number),
        Column("Serial", lambda u: u.serial or "not recorded"),
        Column("Product", lambda u: u.product_name),
        Column("Supplier", lambda u: u.supplier),
        Column("Received", lambda u: u.received_on.isoformat()),
        # A short header over a short number: the room goes to the names beside it.
        Column("Days", lambda u: str(u.age_days), numeric=True,
               tooltip=lambda u: f"{u.age_days} days in returns stock"),
        Column("Status", lambda u: _STATUS_WORDS[u.status].format(batch=u.batch)),
    ), key=lambda u: u.claim_number)


def batch_model(when: Callable[[datetime | None], str]) -> RecordTableModel[BatchView]:
    """Supplier batches, newest first, keyed by batch number; `when` shows a time."""
    return RecordTableModel((
        Column("Batch", lambda b: b.number),
        Column("Supplier", lambda b: b.supplier),
        Column("State", lambda b: b.state),
        Column("Units", lambda b: str(len(b.claim_numbers)), numeric=True),
        Column("Created", lambda b: when(b.created_at)),
        Column("Sent", lambda b: when(b.sent_at)),
        Column("Back", lambda b: when(b.back_at)),
    ), key=lambda b: b.number)
