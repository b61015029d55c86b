"""The claim's tables: its timeline, its costs with their totals, and its stock and brand claims."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.models.record_table import Column, RecordTableModel
from ui.money import money
from ui.widgets.labels import Label
from ui.widgets.record_view import fit_columns, record_view
from ui.wording import in_words
from warranty_desk.services.board import STATE_LABELS
from warranty_desk.services.claim_detail import ClaimDetail, CostItem, TimelineEntry

When = Callable[[datetime], str]


# Event kinds as staff say them; a technician's note is their findings.
_KIND_WORDS = {
    "note": "Findings", "evidence": "Evidence added", "proof": "Proof checked",
    "cost": "Cost posted", "message": "Message", "brand": "Brand claim",
    "return_in": "Unit received", "packed": "Packed for supplier",
    "to_supplier": "Sent to supplier", "from_supplier": "Back from supplier",
    "handed_over": "Handed over", "handed_back": "Handed back",
    "return_approved": "Return approved",
}


def _what(e: TimelineEntry) -> str:
    if not e.to_state:
        return in_words(_KIND_WORDS, e.kind)
    start = f"{STATE_LABELS.get(e.from_state, e.from_state)} → " if e.from_state else ""
    return start + STATE_LABELS.get(e.to_state, e.to_state)


def timeline_model(when: When) -> RecordTableModel[TimelineEntry]:
    """Every event on the claim, oldest first."""
    return RecordTableModel((
        Column("When", lambda e: when(e.at)),
        Column("Who", lambda e: e.staff or "system"),
        Column("What", _what),
        Column("Cost", lambda e: money(e.cost_minor) if e.cost_minor else "", numeric=True),
        Column("Override by", lambda e: e.override_by or ""),
        # Last, so the longest text takes the width the others leave (fit_columns).
        Column("Reason", lambda e: e.reason),
    ))


@dataclass(frozen=True, slots=True)
class StockLine:
    """A stock movement of the claim's unit, or a claim made on its brand, as one row."""

    at: datetime
    movement: str
    serial: str
    reference: str
    by: str


def stock_lines(d: ClaimDetail) -> list[StockLine]:
    """The unit's stock movements, then the claims on its brand."""
    lines = [StockLine(m.at, m.kind.replace("_", " "), m.serial or "", m.reference,
                       m.staff or "system") for m in d.stock_moves]
    lines += [StockLine(b.submitted_at, f"brand claim {b.number} to {b.brand}: "
                        f"{b.external_status}" if b.number else
                        f"brand claim to {b.brand}: {b.external_status}",
                        b.external_id, f"claimed {money(b.claimed_minor)}, settled "
                        f"{money(b.settled_minor)}", b.service_centre) for b in d.brand_claims]
    return lines


def stock_model(when: When) -> RecordTableModel[StockLine]:
    return RecordTableModel((
        Column("When", lambda s: when(s.at)),
        Column("Movement", lambda s: s.movement),
        Column("Serial", lambda s: s.serial),
        Column("Reference", lambda s: s.reference),
        Column("By", lambda s: s.by),
    ))


class CostsTab(QWidget):
    """The costs posted on the claim, their totals, and Add cost for those who may post one."""

    def __init__(self, when: When) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        self.model: RecordTableModel[CostItem] = RecordTableModel((
            Column("Kind", lambda c: c.kind),
            Column("Amount", lambda c: money(c.amount_minor), numeric=True),
            Column("Recoverable", lambda c: "yes" if c.recoverable else "no"),
            Column("What for", lambda c: c.description),
            Column("Posted by", lambda c: c.posted_by or "system"),
            Column("When", lambda c: when(c.posted_at)),
        ))
        self.table = record_view(self.model, "costTable")
        column.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.totals = Label("")
        row.addWidget(self.totals, 1)
        self.add_button = QPushButton("Add cost…  (Ctrl+T)")
        row.addWidget(self.add_button)
        column.addLayout(row)

    def clear(self) -> None:
        """No claim, no costs."""
        self.model.set_records(())
        self.totals.setText("")

    def show_detail(self, d: ClaimDetail, *, may_post: bool) -> None:
        self.model.set_records(d.costs)
        fit_columns(self.table)
        self.totals.setText(f"Total {money(d.cost_total_minor)}  ·  recoverable "
                            f"{money(d.recoverable_total_minor)}")
        self.add_button.setVisible(may_post)
