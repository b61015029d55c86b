"""The top of the claim screen: state and dates in a line, the claim's facts, and the cover."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from ui.money import money
from ui.phones import phone
from ui.widgets.labels import Label
from ui.widgets.owner_dialog import OWNER_KEY
from ui.widgets.verdict_card import SYMBOLS
from ui.wording import CHANNEL_WORDS, CLAIM_TYPE_WORDS, in_words, outcome_shown
from warranty_desk.rules.claim_states import OPEN_STATES, evidence_label
from warranty_desk.services.board import STATE_LABELS
from warranty_desk.services.claim_detail import ClaimDetail

NO_CLAIM = "Open a claim from the Claims board (F4)."


def headline(d: ClaimDetail) -> str:
    """State, outcome and dates in one line ('In review · opened … · promised …')."""
    state = STATE_LABELS.get(d.state, d.state)
    shown = outcome_shown(d.state, d.outcome)
    outcome = f" ({shown})" if shown else ""
    overdue = "  ·  ⚠ OVERDUE" if d.overdue else ""
    age = f"{d.age_days} day{'' if d.age_days == 1 else 's'}"
    return (f"{d.number}  ·  {state}{outcome}  ·  opened {d.opened_on} ({age})  ·  "
            f"promised {d.promised_on or '—'}{overdue}")


def fact_rows(d: ClaimDetail) -> list[tuple[str, str]]:
    """(name, value) of every fact the card shows, in reading order."""
    rows = [
        ("Customer", (d.customer_name or "unknown")
         + (f"  ·  {phone(d.customer_phone)}" if d.customer_phone else "")
         + (f"  ·  {d.customer_reference}" if d.customer_reference else "")),
    ]
    if d.claimant_name or d.claimant_phone:
        # Started online by someone who gave their own details: the holder above keeps the
        # warranty; this is who to call back about the claim.
        rows.append(("Claimed by", (d.claimant_name or "name not given")
                     + (f"  ·  {d.claimant_phone}" if d.claimant_phone else "")
                     + f"  (on the {d.channel.replace('_', ' ')})"))
    rows.append(("Owner", _owner_words(d)))
    rows.append(("Backup", d.backup or "nobody"))
    rows += [
        ("Product", d.product + (f"  ({d.brand}, {d.sku})" if d.sku else "")),
        ("Serial", d.serial or "not recorded"),
        ("Warranty", d.warranty_code or "none (unknown sale)"),
        ("Channel", in_words(CHANNEL_WORDS, d.channel)
         + (f"  ({_return_words(d)})" if d.channel == "online" else "")),
        ("Claim type", in_words(CLAIM_TYPE_WORDS, d.claim_type)),
        ("Fault", d.fault),
        ("Accessories", d.accessories or "none"),
        ("Condition", d.condition or "not noted"),
        ("Proof of purchase", d.proof_words),
        ("Evidence needed", ", ".join(evidence_label(k) for k in d.required_evidence)
         or "none"),
        ("Still missing", ", ".join(evidence_label(k) for k in d.missing_evidence)
         or "nothing"),
    ]
    if d.decision_reason:
        rows.append(("Decision", d.decision_reason))
    if d.refund_minor is not None:
        rows.append(("Refund", f"{money(d.refund_minor)}  ·  {d.refund_reference or ''}"))
    if d.replacement_serial:
        rows.append(("Replacement serial", d.replacement_serial))
    rows += [(key.replace("_", " ").capitalize(), value) for key, value in d.claimed_purchase]
    return rows


def _return_words(d: ClaimDetail) -> str:
    """Where an online return stands: the unit is sent once approved, scanned in when it comes."""
    kinds = {e.kind for e in d.timeline}
    if "return_in" in kinds:
        return "unit received"
    if "return_approved" in kinds:
        return "approved, label sent: waiting for the unit"
    return "waiting for approval, then for the unit"


def _owner_words(d: ClaimDetail) -> str:
    if d.owner:
        return d.owner
    # An open claim nobody answers for is the first mistake the shop's guide lists.
    return (f"⚠ NO OWNER: a manager gives it one ({OWNER_KEY})" if d.state in OPEN_STATES
            else "nobody")


class ClaimFacts(QWidget):
    """The headline, the facts in two columns of name and value, and the unit's cover."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.headline = Label(NO_CLAIM)
        self.headline.setObjectName("claimHeadline")
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        card = QFrame()
        card.setObjectName("card")
        self.grid = QGridLayout(card)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(4)
        # Values take the width; names keep theirs, so a value wraps before a name does.
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
        layout.addWidget(card)
        self.cover = Label("")
        self.cover.setObjectName("claimCover")
        self.cover.setWordWrap(True)
        # The cover line, and beside it what may be done to the warranty (voiding it).
        self.cover_row = QHBoxLayout()
        self.cover_row.addWidget(self.cover, 1)
        layout.addLayout(self.cover_row)

    def clear(self) -> None:
        """No claim: the card empty, the headline says how to open one."""
        self.headline.setText(NO_CLAIM)
        self.cover.setText("")
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                # Off the card now: a deferred delete alone leaves it painted under the new one.
                widget.setParent(None)
                widget.deleteLater()

    def show_detail(self, d: ClaimDetail) -> None:
        """Fill the headline, the card and the cover line from one claim."""
        self.clear()
        self.headline.setText(headline(d))
        for n, (name, value) in enumerate(fact_rows(d)):
            key = Label(name)
            key.setObjectName("subtle")
            key.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            val = Label(value)
            val.setWordWrap(True)
            val.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            val.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.grid.addWidget(key, n // 2, (n % 2) * 2)
            self.grid.addWidget(val, n // 2, (n % 2) * 2 + 1)
        if d.cover is not None:
            self.cover.setText(f"{SYMBOLS.get(d.cover.verdict, '')}  {d.cover.headline}: "
                               f"{d.cover.detail}")
        else:
            self.cover.setText("No known sale: the cover depends on the proof of purchase "
                               f"({d.proof_words}).")
