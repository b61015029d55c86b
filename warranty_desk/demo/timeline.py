"""Back-dating the demo story: the services stamp "now", the story happened over past months."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import literal_column, select, text, update

from warranty_desk.clock import FixedClock
from warranty_desk.models import (
    Base,
    Claim,
    ClaimEvent,
    CostPosting,
    Customer,
    CustomerMessage,
    EvidenceDocument,
    ExtensionOffer,
    OutboxEvent,
    Sale,
    StockMovement,
    Warranty,
    WarrantyStatus,
)
from warranty_desk.storage.database import Database

_RETIMED: tuple[tuple[type[Base], str], ...] = (
    (Sale, "created_at"), (Customer, "created_at"), (Warranty, "created_at"),
    (ExtensionOffer, "at"), (Claim, "opened_at"), (ClaimEvent, "at"),
    (EvidenceDocument, "added_at"), (CostPosting, "posted_at"), (StockMovement, "at"),
    (CustomerMessage, "created_at"), (OutboxEvent, "created_at"),
)


def _order_column(model: type[Base]) -> tuple[str, str]:
    """The column that grows with each insert, and its value for an empty table."""
    # Tables keyed by (parent, id) have no rowid; their UUIDv7 ids grow in insertion order.
    options = Base.metadata.tables[model.__tablename__].dialect_options["sqlite"]
    if options.get("with_rowid") is False:
        return "id", "x''"
    return "rowid", "0"


# One statement for every table's newest row: the story takes a mark before each step.
_MARKS_SQL = text("SELECT " + ", ".join(
    "(SELECT coalesce(max({}), {}) FROM {})".format(*_order_column(model), model.__tablename__)
    for model, _ in _RETIMED))


def _marks(db: Database) -> tuple[Any, ...]:
    with db.read() as session:
        return tuple(session.execute(_MARKS_SQL).one())


@dataclass(slots=True)
class Timeline:
    """Moves the timestamps each service call wrote to the moment the demo story says.

    Rows are found by rowid ranges between marks; the audit log is left alone, so it still
    shows when the demo was really built.
    """

    db: Database
    clock: FixedClock
    steps: list[tuple[tuple[Any, ...], datetime]] = field(default_factory=list)
    closed: list[tuple[str, datetime]] = field(default_factory=list)
    voided: list[tuple[str, datetime]] = field(default_factory=list)

    def at(self, when: datetime) -> date:
        """Mark the start of a service call happening at `when`, and stand the clock there."""
        self.steps.append((_marks(self.db), when))
        self.clock.set(when)
        return when.date()

    def flush(self) -> None:
        """Apply every pending move in one transaction."""
        if not self.steps:
            return
        end = _marks(self.db)
        with self.db.write() as session:
            for n, (marks, when) in enumerate(self.steps):
                upper = self.steps[n + 1][0] if n + 1 < len(self.steps) else end
                for (model, column), low, high in zip(_RETIMED, marks, upper, strict=True):
                    if high > low:
                        order: Any = literal_column(_order_column(model)[0])
                        session.execute(update(model).where(
                            order > low, order <= high,
                        ).values({column: when}).execution_options(synchronize_session=False))
            for number, when in self.closed:
                session.execute(update(Claim).where(Claim.number == number)
                                .values(closed_at=when))
                warranty_id = session.scalars(
                    select(Claim.warranty_id).where(Claim.number == number)).one()
                session.execute(update(Warranty).where(
                    Warranty.id == warranty_id, Warranty.status == WarrantyStatus.VOID,
                ).values(voided_at=when))
            for code, when in self.voided:
                session.execute(update(Warranty).where(Warranty.code == code)
                                .values(voided_at=when))
        self.steps.clear()
        self.closed.clear()
        self.voided.clear()

