"""Resolve or reject a claim: outcome, reason, costs, replacement serial or refund details,
and the customer's letter as it will be sent, following what is typed."""

from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.keys import bind_key
from ui.money import currency_symbol, money, plain_amount, shop_money, typed_amount
from ui.widgets.cost_dialog import CostDialog
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.labels import Label, TextView
from ui.widgets.styling import show_level
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services.claim_detail import DECISION_BLANKS, MessagePreview
from warranty_desk.services.decisions import CostLine, Decision, message_words

_OUTCOME_WORDS = ((Outcome.REPAIR, "&Repair"), (Outcome.REPLACE, "Re&place"),
                  (Outcome.REFUND, "Re&fund"))
_BLANK = re.compile("|".join(re.escape(b) for b in DECISION_BLANKS.values()))
_KEY_OF = {blank: key for key, blank in DECISION_BLANKS.items()}
# Wide and tall enough to read a short letter whole, and still on a 1366×768 screen with its
# taskbar; a long reason scrolls.
LETTER_HEIGHT = 210
DIALOG_WIDTH = 620


def fill_blanks(text: str, words: Mapping[str, str]) -> str:
    """The preview's blanks filled with what was typed so far; a blank not typed yet stays."""
    return _BLANK.sub(lambda m: words.get(_KEY_OF[m.group(0)]) or m.group(0), text)


class DecisionDialog(QDialog):
    """Emits `decided(Decision)` when the person confirms; the screen sends it to the service."""

    decided = Signal(object)  # decisions.Decision

    def __init__(self, number: str, *, reject: bool,
                 previews: Mapping[str, MessagePreview] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionDialog")
        self.setMinimumWidth(DIALOG_WIDTH)
        self.rejecting = reject
        self.previews = dict(previews or {})
        self.costs: list[CostLine] = []
        self.setWindowTitle(f"Reject claim {number}" if reject else f"Resolve claim {number}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.outcomes = QButtonGroup(self)
        row = QHBoxLayout()
        for n, (outcome, words) in enumerate(_OUTCOME_WORDS):
            button = QRadioButton(words)
            button.setObjectName(f"outcome_{outcome.value}")
            button.setChecked(n == 0)
            self.outcomes.addButton(button, n)
            row.addWidget(button)
        if not reject:
            form.addRow("Outcome", row)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("decisionReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        self.reason.setPlaceholderText(
            "in plain words; the customer reads this" if reject else "what was done and why")
        form.addRow("Rea&son", self.reason)
        self.serial = QLineEdit()
        self.serial.setObjectName("replacementSerial")
        self.serial.setPlaceholderText("scan the new unit's serial")
        self.refund = QLineEdit()
        self.refund.setObjectName("refundAmount")
        self.refund.setPlaceholderText(f"for example {plain_amount(19900)}")
        self.reference = QLineEdit()
        self.reference.setObjectName("refundReference")
        self.reference.setPlaceholderText("the refund number from the till")
        self.cost_list = QListWidget()
        self.cost_list.setMaximumHeight(90)
        add_cost = QPushButton("Add cost…  (Ctrl+T)")
        add_cost.clicked.connect(self._on_add_cost_clicked)
        bind_key(self, "Ctrl+T", self._on_add_cost_clicked)
        if not reject:
            form.addRow("New unit's se&rial", self.serial)
            form.addRow(f"Refund &amount ({currency_symbol()})", self.refund)
            form.addRow("POS refund r&eference", self.reference)
            form.addRow("Costs", self.cost_list)
            form.addRow("", add_cost)
        layout.addLayout(form)
        # What is wrong with the fields sits under them, apart from the letter below.
        self.message = Label("")
        self.message.setObjectName("notice")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.letter_box = QGroupBox("The customer will get this message")
        self.letter_box.setObjectName("letterBox")
        box = QVBoxLayout(self.letter_box)
        self.letter = TextView()
        self.letter.setObjectName("letterPreview")
        self.letter.setFixedHeight(LETTER_HEIGHT)
        box.addWidget(self.letter)
        layout.addWidget(self.letter_box)
        buttons, self.ok = ok_cancel(
            self, "Reject claim  (Ctrl+Enter)" if reject else "Resolve claim  (Ctrl+Enter)",
            self._on_buttons_accepted)
        bind_key(self, "Ctrl+Return", self._on_buttons_accepted)
        layout.addWidget(buttons)
        self.outcomes.idToggled.connect(self._on_outcomes_id_toggled)
        # The letter follows every field it quotes, key by key.
        self.reason.textChanged.connect(self._show_letter)
        for field in (self.serial, self.refund):
            field.textChanged.connect(self._show_letter)
        self._cost_dialog: CostDialog | None = None
        self._show_outcome()
        self.reason.setFocus()

    def outcome(self) -> Outcome:
        """The chosen outcome (reject in reject mode)."""
        if self.rejecting:
            return Outcome.REJECT
        return _OUTCOME_WORDS[max(self.outcomes.checkedId(), 0)][0]

    def choose(self, outcome: Outcome) -> None:
        """Pick an outcome, as a click on its button would."""
        for n, (each, _words) in enumerate(_OUTCOME_WORDS):
            if each is outcome:
                self.outcomes.button(n).setChecked(True)

    def set_scanned_serial(self, text: str) -> None:
        """A scanner read while the dialog is open is the replacement unit's serial."""
        self.choose(Outcome.REPLACE)
        self.serial.setText(text.strip())

    def _on_outcomes_id_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self._show_outcome()

    def _show_outcome(self) -> None:
        outcome = self.outcome()
        self.serial.setEnabled(outcome is Outcome.REPLACE)
        self.refund.setEnabled(outcome is Outcome.REFUND)
        self.reference.setEnabled(outcome is Outcome.REFUND)
        self._show_letter()

    def typed(self) -> Decision:
        """The decision as the fields hold it now (not yet checked)."""
        outcome = self.outcome()
        return Decision(
            outcome=outcome, reason=self.reason.toPlainText().strip(),
            costs=tuple(self.costs) if outcome is not Outcome.REJECT else (),
            refund_minor=typed_amount(self.refund.text()) if outcome is Outcome.REFUND else None,
            refund_reference=self.reference.text().strip() if outcome is Outcome.REFUND
            else None,
            replacement_serial=self.serial.text().strip() if outcome is Outcome.REPLACE
            else None)

    def _show_letter(self) -> None:
        outcome = self.outcome()
        template = ("claim_rejected" if outcome is Outcome.REJECT
                    else f"claim_resolved_{outcome.value}")
        wording = self.previews.get(template)
        self.letter_box.setVisible(wording is not None)
        if wording is None:
            self.letter.clear()
            return
        # The same words the decision writes into the message it sends.
        words = message_words(self.typed(), shop_money())
        self.letter.set_text(fill_blanks(f"{wording.subject}\n\n{wording.body}", words))

    def _say(self, problem: str) -> None:
        show_level(self.message, problem, "warning")
        self.message.setVisible(bool(problem))
        # A wrapped message needs height the dialog did not have when it opened.
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def _on_add_cost_clicked(self) -> None:
        if self.rejecting:
            return
        dialog = CostDialog(self)
        self._cost_dialog = dialog
        dialog.accepted.connect(lambda: self._on_cost_added(dialog))
        dialog.open()

    def _on_cost_added(self, dialog: CostDialog) -> None:
        line = dialog.cost_line()
        if line is not None:
            self.costs.append(line)
            self.cost_list.addItem(f"{line.kind}: {money(line.amount_minor)}"
                                   + (" (recoverable)" if line.recoverable else "")
                                   + (f"  ·  {line.description}" if line.description else ""))

    def _problem(self, outcome: Outcome) -> str | None:
        if len(self.reason.toPlainText().strip()) < 3:
            return "Write the reason in plain words (a few words at least)."
        if outcome is Outcome.REPLACE and not self.serial.text().strip():
            return "Scan the serial of the replacement unit."
        if outcome is Outcome.REFUND:
            amount = typed_amount(self.refund.text())
            if amount is None or amount <= 0:
                return f"Type the refund amount, for example {plain_amount(19900)}."
            if not self.reference.text().strip():
                return "Type the POS refund reference, so the refund matches the till."
        return None

    def _on_buttons_accepted(self) -> None:
        problem = self._problem(self.outcome())
        if problem is not None:
            self._say(problem)
            return
        self._say("")
        self.decided.emit(self.typed())
        self.accept()
