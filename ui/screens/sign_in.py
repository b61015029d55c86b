"""Sign-in: press the letter beside your name, type your PIN, Enter; the role decides the rest."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.widgets.labels import Label
from ui.widgets.pin_field import pin_field
from ui.widgets.styling import show_level
from warranty_desk.permissions import ROLE_LABELS, Actor
from warranty_desk.services.staff_names import sign_in_names

CHOOSE = "Who is at the counter? Press the letter beside your name."
# The staff list's height: a few names or a dozen in view; more scroll (the window is 688 px
# high on a 1366×768 screen with its taskbar).
NAMES_MIN_HEIGHT, NAMES_MAX_HEIGHT = 160, 420
TYPE_PIN = "{name}: type your PIN, then Enter.  (Esc: someone else)"


def name_keys(names: Sequence[str]) -> list[str]:
    """A letter per person, each used once: their initials first, then the other letters of
    their name ("" for a person past the alphabet, who picks with the arrows and Enter)."""
    taken: set[str] = set()
    keys = []
    for name in names:
        words = name.upper().split()
        order = [w[0] for w in words if w] + [c for w in words for c in w[1:]]
        key = next((c for c in order if "A" <= c <= "Z" and c not in taken), "")
        taken.add(key)
        keys.append(key)
    return keys


class StaffList(QListWidget):
    """The people who may sign in; a person's letter picks them, and nobody is picked before.

    A digit never picks anyone: a PIN typed before the name is refused here instead of counting
    against whoever happened to be first in the list.
    """

    picked = Signal(int)  # row
    digit_first = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("staffList")
        self.keys: list[str] = []

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # Focus alone makes the first row current, drawn much like a choice: nobody is picked.
        if not self.selectedItems():
            self.setCurrentRow(-1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text().upper()
        # Shift is plain too: the letters are shown as capitals, and Shift+S is how many type one.
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier
                                          | Qt.KeyboardModifier.ShiftModifier)
        if plain and len(text) == 1 and text in self.keys:
            self.picked.emit(self.keys.index(text))
        elif plain and len(text) == 1 and text.isdigit():
            self.digit_first.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selectedItems():
            # Only a row the person moved to: focus alone makes the first row current.
            self.picked.emit(self.currentRow())
        elif plain and text.isprintable() and text.strip():
            return  # a letter nobody has: not a search, so the list stays where it is
        else:
            super().keyPressEvent(event)


class SignInScreen(QWidget):
    """The first screen, and the one auto-lock returns to."""

    signed_in = Signal(object)  # Actor

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("SignInScreen")
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        outer.addLayout(column, 2)
        outer.addStretch(1)
        self.title = Label("")
        self.title.setObjectName("heading")
        column.addStretch(1)
        column.addWidget(self.title)
        self.prompt = Label(CHOOSE)
        column.addWidget(self.prompt)
        self.names = StaffList()
        column.addWidget(self.names)
        self.pin = pin_field(name="pin")
        column.addWidget(self.pin)
        self.button = QPushButton("Sign in  (Enter)")
        self.button.setObjectName("primary")
        column.addWidget(self.button)
        self.message = Label("")
        self.message.setObjectName("notice")
        self.message.setWordWrap(True)
        self.message.hide()
        column.addWidget(self.message)
        column.addStretch(2)
        self.people: list[tuple[uuid.UUID, str]] = []  # (staff id, name) by row
        self.chosen: int | None = None  # the row of the person signing in
        self.names.picked.connect(self.choose)
        self.names.itemClicked.connect(lambda item: self.choose(self.names.row(item)))
        self.names.digit_first.connect(
            lambda: self._show("Pick your name first: press the letter beside it.", "warning"))
        self.pin.returnPressed.connect(self._submit)
        self.button.clicked.connect(self._submit)
        self.setTabOrder(self.names, self.pin)
        self.setTabOrder(self.pin, self.button)

    def refresh(self) -> None:
        """Reload the staff list with nobody picked, ready for the next person."""
        # Read each time: the first-run setup names the shop and branch after this was built.
        self.title.setText(f"{self.ctx.shop.name} · {self.ctx.shop.branch_code}")
        # Through the driver: at start this page takes keys before SQLAlchemy has loaded.
        people = sign_in_names(self.ctx.db)
        self.people = [(p.id, p.name) for p in people]
        keys = name_keys([p.name for p in people])
        self.names.keys = keys
        self.names.clear()
        for person, key in zip(people, keys, strict=True):
            item = QListWidgetItem(f"{key or ' '}    {person.name}    ·    "
                                   f"{ROLE_LABELS[person.role]}")
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            self.names.addItem(item)
        self._fit_names()
        self.forget()

    def _fit_names(self) -> None:
        # Every name in view without scrolling, up to a long list; a long one scrolls.
        self.names.ensurePolished()
        rows = self.names.sizeHintForRow(0) * self.names.count() if self.names.count() else 0
        need = rows + 2 * self.names.frameWidth() + 4
        self.names.setMinimumHeight(max(NAMES_MIN_HEIGHT, min(need, NAMES_MAX_HEIGHT)))

    def forget(self) -> None:
        """Nobody picked, no PIN typed, the list waiting for a letter."""
        self.chosen = None
        self.names.clearSelection()
        self.names.setCurrentRow(-1)
        self.pin.clear()
        self.pin.setEnabled(False)
        self.button.setEnabled(False)
        self.prompt.setText(CHOOSE)
        self.message.hide()
        self.names.setFocus()

    def choose(self, row: int) -> None:
        """This person signs in next: the PIN box opens for them."""
        if not 0 <= row < len(self.people):
            return
        self.chosen = row
        self.names.setCurrentRow(row)
        self.prompt.setText(TYPE_PIN.format(name=self.people[row][1]))
        self.message.hide()
        self.pin.clear()
        self.pin.setEnabled(True)
        self.button.setEnabled(True)
        self.pin.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc from the PIN box: someone else is signing in.
        if event.key() == Qt.Key.Key_Escape and self.chosen is not None:
            self.forget()
            return
        super().keyPressEvent(event)

    def _show(self, text: str, level: str) -> None:
        show_level(self.message, text, level)
        self.message.show()

    def _submit(self) -> None:
        if self.chosen is None:
            self._show("Pick your name first: press the letter beside it.", "warning")
            self.names.setFocus()
            return
        pin = self.pin.text()
        staff_id = self.people[self.chosen][0]
        self.pin.clear()
        self.button.setEnabled(False)

        def done(actor: Actor) -> None:
            self.forget()
            self.signed_in.emit(actor)

        def failed(exc: BaseException) -> None:
            self.button.setEnabled(True)
            from ui.context import explain

            text, _level = explain(exc, self.ctx.home)
            self._show(text, "error")
            self.pin.setFocus()

        self.ctx.run(lambda: _sign_in(self.ctx, staff_id, pin), done, failed)


def _sign_in(ctx: AppContext, staff_id: uuid.UUID, pin: str) -> Actor:
    # On the task's thread: a sign-in soon after the start waits there, not on the GUI thread,
    # for SQLAlchemy (the app loads it once ready) and the staff service.
    from warranty_desk.services import staff

    return staff.sign_in(ctx.db, staff_id, pin)
