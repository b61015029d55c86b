"""The claim's Findings tab: what the technician found, written down, with parts and labour."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.money import money
from ui.widgets.labels import Label, TextView
from warranty_desk.services.claim_detail import ClaimDetail

# Saving findings, while the cursor is in them (Enter makes a new line there).
SAVE_FINDINGS_KEY = "Ctrl+Return"
FINDINGS_TAB_KEY = "Ctrl+Shift+F"


def findings_so_far(d: ClaimDetail) -> str:
    """Every finding recorded on the claim, oldest first, each under who wrote it and when."""
    return "\n\n".join(f"{e.staff or 'system'}:\n{e.reason}" for e in d.timeline
                       if e.kind == "note")


class FindingsTab(QWidget):
    """Earlier findings above; the new finding, Save, and the parts and labour they cost."""

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        left = QVBoxLayout()
        self.earlier = TextView()
        self.earlier.setObjectName("findingsSoFar")
        self.earlier.setPlaceholderText("No findings recorded yet.")
        left.addWidget(self.earlier, 1)
        self.text = QPlainTextEdit()
        self.text.setObjectName("findingsText")
        self.text.setPlaceholderText("What you found on the unit: the cause, what you tested, "
                                     "what it needs. Parts and labour go in with the buttons.")
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(90)
        left.addWidget(self.text)
        row.addLayout(left, 1)
        side = QVBoxLayout()
        self.save_button = QPushButton("Save findings  (Ctrl+Enter)")
        self.save_button.setObjectName("saveFindings")
        self.parts_button = QPushButton("Add parts…")
        self.labour_button = QPushButton("Add labour…")
        for button in (self.save_button, self.parts_button, self.labour_button):
            side.addWidget(button)
        self.totals = Label("")
        self.totals.setObjectName("subtle")
        self.totals.setWordWrap(True)
        side.addWidget(self.totals)
        side.addStretch(1)
        row.addLayout(side)

    def clear(self) -> None:
        """No claim: no findings shown, nothing typed, no totals."""
        self.earlier.clear()
        self.text.clear()
        self.totals.setText("")

    def show_detail(self, d: ClaimDetail, *, may_record: bool, may_post: bool) -> None:
        """Earlier findings and the parts and labour posted; the editor for those who may."""
        self.earlier.set_text(findings_so_far(d))
        parts = sum(c.amount_minor for c in d.costs if c.kind == "parts")
        labour = sum(c.amount_minor for c in d.costs if c.kind == "labour")
        self.totals.setText(f"Parts {money(parts)}\nLabour {money(labour)}")
        self.text.setVisible(may_record)
        self.save_button.setVisible(may_record)
        self.parts_button.setVisible(may_post)
        self.labour_button.setVisible(may_post)
