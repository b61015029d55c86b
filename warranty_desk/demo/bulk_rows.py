"""The bulk generator's rows: plain tuples in the columns' stored forms, written table by table."""

# At a million warranties the ORM path (sale_planning.plan_sales, sale_rows.apply_plan) spends
# most of its time in per-row type processing, so the generator builds rows as plain tuples in
# the columns' stored forms and writes them with executemany inside db.write().

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from warranty_desk.ids import IdMaker
from warranty_desk.services import outbox

_CUSTOMER_COLUMNS = ("id", "reference", "name", "phone", "email", "segment",
                     "retention_follow_up", "created_at", "updated_at")
_SALE_COLUMNS = ("id", "invoice_number", "source", "branch_code", "sold_on", "customer_id",
                 "staff_id", "import_batch_id", "created_at", "voided_at")
_LINE_COLUMNS = ("id", "sale_id", "line_no", "product_id", "quantity", "unit_price_minor")
_WARRANTY_COLUMNS = ("id", "code", "invoice_line_id", "product_id", "customer_id", "serial",
                     "start_on", "end_on", "status", "void_reason", "voided_at", "replaces_id",
                     "created_at")
_LAYER_COLUMNS = ("warranty_id", "kind", "start_on", "end_on", "extension_plan_id",
                  "price_minor")
_OFFER_COLUMNS = ("id", "warranty_id", "plan_id", "accepted", "staff_id", "at")
_OUTBOX_COLUMNS = outbox.BULK_COLUMNS
_CLAIM_COLUMNS = ("id", "number", "warranty_id", "customer_id", "product_id", "serial",
                  "channel", "claim_type", "fault", "accessories", "condition", "state",
                  "outcome", "proof_status", "claimed_purchase", "assignee_id", "opened_by_id",
                  "opened_at", "promised_on", "closed_at", "decision_reason", "refund_minor",
                  "refund_reference", "replacement_serial", "replacement_warranty_id",
                  "external_ref")
_EVENT_COLUMNS = ("id", "claim_id", "at", "staff_id", "kind", "from_state", "to_state",
                  "reason", "override_by_id", "cost_minor")
_EVIDENCE_COLUMNS = ("id", "claim_id", "sha256", "kind", "media_type", "size",
                     "original_name", "added_by_id", "added_at", "source")
_COST_COLUMNS = ("id", "claim_id", "kind", "amount_minor", "recoverable", "description",
                 "posted_by_id", "posted_at")
_STOCK_COLUMNS = ("id", "claim_id", "product_id", "serial", "kind", "reference", "staff_id",
                  "at")
_BRAND_CLAIM_COLUMNS = ("id", "claim_id", "brand_id", "external_id", "service_centre",
                        "external_status", "claimed_minor", "submitted_at", "updated_at",
                        "supplier", "approval", "closed_at")
_BRAND_CLAIM_ITEM_COLUMNS = ("id", "brand_claim_id", "claim_id", "added_at")
_SETTLEMENT_COLUMNS = ("id", "brand_claim_id", "amount_minor", "reference", "settled_on",
                       "kind", "reason")
_MESSAGE_COLUMNS = ("id", "claim_id", "customer_id", "template", "subject", "body",
                    "direction", "state", "created_at")

Row = tuple[Any, ...]


def insert(session: Session, table: str, columns: Sequence[str], rows: list[Row]) -> None:
    """Write rows of one table in one executemany."""
    if rows:
        marks = ", ".join("?" * len(columns))
        session.connection().exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def stamp(moment: datetime) -> str:
    """A naive UTC time in the text form SQLAlchemy's SQLite DateTime stores and reads."""
    return moment.isoformat(" ", "microseconds")


def as_json(payload: dict[str, Any]) -> str:
    """A payload as the JSON text the services store (sorted keys, plain UTF-8)."""
    return outbox.encode(payload)


def outbox_row(ids: IdMaker, topic: str, aggregate: str, aggregate_id: str,
               payload: dict[str, Any], at: str) -> Row:
    """One outbox event row, built by the services' own bulk row builder; its id is dated at
    the event's own time on the demo's history (from the database's id maker, `ids`)."""
    made = ids.bytes_at(datetime.fromisoformat(at).replace(tzinfo=UTC))
    return outbox.bulk_row(made, at, topic, aggregate, aggregate_id, payload)


@dataclass(slots=True)
class Tables:
    """Rows of one chunk, table by table, in the order foreign keys need."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: str, row: Row) -> None:
        """Keep one row for its table."""
        self.rows[table].append(row)

    def write(self, session: Session) -> None:
        """Write every table's rows, parents before children."""
        for table, columns in _ORDER:
            insert(session, table, columns, self.rows.get(table, []))


_ORDER: tuple[tuple[str, Sequence[str]], ...] = (
    ("customers", _CUSTOMER_COLUMNS), ("sales", _SALE_COLUMNS), ("invoice_lines", _LINE_COLUMNS),
    ("warranties", _WARRANTY_COLUMNS), ("warranty_layers", _LAYER_COLUMNS),
    ("extension_offers", _OFFER_COLUMNS), ("claims", _CLAIM_COLUMNS),
    ("claim_events", _EVENT_COLUMNS), ("evidence_documents", _EVIDENCE_COLUMNS),
    ("cost_postings", _COST_COLUMNS), ("stock_movements", _STOCK_COLUMNS),
    ("brand_claims", _BRAND_CLAIM_COLUMNS), ("brand_claim_items", _BRAND_CLAIM_ITEM_COLUMNS),
    ("settlements", _SETTLEMENT_COLUMNS),
    ("customer_messages", _MESSAGE_COLUMNS), ("outbox_events", _OUTBOX_COLUMNS),
)
