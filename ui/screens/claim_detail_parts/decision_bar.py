"""The claim's decision bar: the moves this person may make, what blocks them, the override."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.labels import Label
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.services.claim_detail import MoveOption, ReopenOption

# target state: (button words, key). Moves follow the workflow's order on keys 1-4; the two
# decisions get their own keys, Reject a two-modifier chord so it is never hit by accident.
MOVE_KEYS: dict[str, tuple[str, str]] = {
    "reviewing": ("Review", "Ctrl+1"),
    "inspecting": ("Inspect", "Ctrl+2"),
    "repairing": ("Repair", "Ctrl+3"),
    "at_manufacturer": ("Send to manufacturer", "Ctrl+4"),
    "resolved": ("Resolve…", "Ctrl+D"),
    "rejected": ("Reject…", "Ctrl+Shift+X"),
}
DONE_WORDS = {"reviewing": "moved to review", "inspecting": "moved to inspection",
              "repairing": "moved to repair", "at_manufacturer": "sent to the manufacturer"}
# A rejected claim's way back, for the manager the rejection letter promises.
REOPEN_KEY = "Ctrl+Shift+R"
# Four moves with their keys are wider than a 1024-pixel screen: past three, a second row.
MOVES_PER_ROW = 3


class DecisionBar(QWidget):
    """Emits `move_clicked(target)`; the screen decides what a move does."""

    move_clicked = Signal(str)
    reopen_clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.moves = QGridLayout()
        layout.addLayout(self.moves)
        self.missing = Label("")
        self.missing.setObjectName("subtle")
        self.missing.setWordWrap(True)
        layout.addWidget(self.missing)
        self.blocked_panel = QFrame()
        self.blocked_panel.setObjectName("blockedPanel")
        row = QHBoxLayout(self.blocked_panel)
        row.setContentsMargins(0, 0, 0, 0)
        self.blocked = Label("")
        self.blocked.setObjectName("blocked")
        self.blocked.setWordWrap(True)
        row.addWidget(self.blocked, 1)
        self.override_button = QPushButton("Manager override…  (Ctrl+O)")
        self.override_button.setObjectName("overrideButton")
        row.addWidget(self.override_button)
        self.blocked_panel.hide()
        layout.addWidget(self.blocked_panel)
        self.buttons: dict[str, QPushButton] = {}
        self._reason = ""

    def _clear_buttons(self) -> None:
        for button in self.buttons.values():
            self.moves.removeWidget(button)
            button.setParent(None)
            button.deleteLater()
        self.buttons = {}

    def _add_button(self, key: str, text: str, tip: str) -> QPushButton:
        n = len(self.buttons)
        button = QPushButton(text)
        button.setObjectName(f"move_{key}")
        button.setToolTip(tip)
        self.moves.addWidget(button, n // MOVES_PER_ROW, n % MOVES_PER_ROW)
        # Shown now, not on the layout's queued show, so the row is whole when painted.
        button.show()
        self.buttons[key] = button
        return button

    def show_moves(self, moves: Sequence[MoveOption], state: str | None,
                   reopen: ReopenOption | None = None) -> None:
        """A button per move the person may make; below, once, what blocked moves need."""
        self._clear_buttons()
        # Moves blocked by the same words are named together: one sentence, not one per move.
        needs: dict[str, list[str]] = {}
        shown = [o for o in moves if o.permitted and o.target in MOVE_KEYS]
        # Buttons only for what this role may do; the rest is not theirs to see.
        for option in shown:
            words, key = MOVE_KEYS[option.target]
            button = self._add_button(option.target,
                                      f"{'' if option.allowed else '⚠ '}{words}  ({key})",
                                      " ".join(option.blockers))
            if option.blockers:
                needs.setdefault(" ".join(option.blockers), []).append(words.rstrip("…"))
            button.clicked.connect(lambda _c=False, t=option.target: self.move_clicked.emit(t))
        notes = [f"{' and '.join(names)} {'needs' if len(names) == 1 else 'need'}: {blockers}"
                 for blockers, names in needs.items()]
        if reopen is not None and reopen.permitted:
            button = self._add_button("reopen", f"{'' if reopen.allowed else '⚠ '}Reopen…  "
                                      f"({REOPEN_KEY})", "Look at the rejected claim again: "
                                      "it goes back to review and the customer is told.")
            button.clicked.connect(self.reopen_clicked)
            if reopen.blockers:
                notes.append("Reopen: " + " ".join(reopen.blockers))
        if not self.buttons and state is not None:
            final = ClaimState(state) in (ClaimState.RESOLVED, ClaimState.REJECTED)
            notes.append("This claim is closed." if final
                         else "Your role cannot move this claim; a technician or manager can.")
        self.missing.setText("\n".join(notes))
        self.missing.setVisible(bool(notes) and not self.blocked_panel.isVisible())

    def show_blocked(self, reason: str, overridable: bool, *, may_override: bool) -> None:
        """A move was refused: why, once, and what this person can do about it."""
        self._reason = reason
        if overridable:
            reason += (" Another manager or the owner may pass the rule with their PIN and a "
                       "written reason: Manager override (Ctrl+O)." if may_override else
                       " Ask a manager or the owner to approve an override (Ctrl+O).")
        self.blocked.setText(f"⚠ Blocked: {reason}")
        self.override_button.setVisible(overridable)
        self.blocked_panel.show()
        # The panel says it now; the standing notes would say it a second time.
        self.missing.hide()

    def hide_blocked(self) -> None:
        """Nothing is blocked any more: the standing notes come back."""
        self.blocked_panel.hide()
        self.missing.setVisible(bool(self.missing.text()))

    def blocked_reason(self) -> str:
        """The words of the block shown now."""
        return self._reason
