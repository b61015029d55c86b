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
from warranty_desk.services.board import MoveOption

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
# Four moves with their keys are wider than a 1024-pixel screen: past three, a second row.
MOVES_PER_ROW = 3


class DecisionBar(QWidget):
    """Emits `move_clicked(target)`; the screen decides what a move does."""

    move_clicked = Signal(str)

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

    def show_moves(self, moves: Sequence[MoveOption], state: str | None) -> None:
        """A button per move the person may make; below, what each blocked move needs."""
        for button in self.buttons.values():
            self.moves.removeWidget(button)
            button.setParent(None)
            button.deleteLater()
        self.buttons = {}
        notes = []
        shown = [o for o in moves if o.permitted and o.target in MOVE_KEYS]
        # Buttons only for what this role may do; the rest is not theirs to see.
        for n, option in enumerate(shown):
            words, key = MOVE_KEYS[option.target]
            button = QPushButton(f"{'' if option.allowed else '⚠ '}{words}  ({key})")
            button.setObjectName(f"move_{option.target}")
            if option.blockers:
                button.setToolTip(" ".join(option.blockers))
                notes.append(f"{words.rstrip('…')} needs: " + " ".join(option.blockers))
            button.clicked.connect(lambda _c=False, t=option.target: self.move_clicked.emit(t))
            self.moves.addWidget(button, n // MOVES_PER_ROW, n % MOVES_PER_ROW)
            # Shown now, not on the layout's queued show, so the row is whole when painted.
            button.show()
            self.buttons[option.target] = button
        if not self.buttons and state is not None:
            final = ClaimState(state) in (ClaimState.RESOLVED, ClaimState.REJECTED)
            notes.append("This claim is closed." if final
                         else "Your role cannot move this claim; a technician or manager can.")
        self.missing.setText("\n".join(notes))
        self.missing.setVisible(bool(notes))

    def show_blocked(self, reason: str, overridable: bool) -> None:
        """A move was refused: why, and the override button if a manager may pass the rule."""
        self.blocked.setText(f"⚠ Blocked: {reason}")
        self.override_button.setVisible(overridable)
        self.blocked_panel.show()

    def blocked_reason(self) -> str:
        """The words of the block shown now."""
        return self.blocked.text().removeprefix("⚠ Blocked: ")
