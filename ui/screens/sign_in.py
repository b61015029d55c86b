"""Sign-in: pick your name, type your PIN; the role decides what the app shows."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.widgets.labels import Label
from ui.widgets.styling import show_level
from warranty_desk.permissions import ROLE_LABELS, Actor
from warranty_desk.services import staff


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
        title = Label(f"{ctx.shop.name} · {ctx.shop.branch_code}")
        title.setObjectName("heading")
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(Label("Who is at the counter? Pick your name, then type your PIN."))
        self.names = QListWidget()
        self.names.setObjectName("staffList")
        self.names.setMinimumHeight(260)
        column.addWidget(self.names)
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("PIN (4 to 8 digits)")
        self.pin.setMaxLength(8)
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
        self.names.itemActivated.connect(lambda _item: self.pin.setFocus())
        self.names.currentRowChanged.connect(lambda _row: self.message.hide())
        self.pin.returnPressed.connect(self._submit)
        self.button.clicked.connect(self._submit)
        self.setTabOrder(self.names, self.pin)
        self.setTabOrder(self.pin, self.button)

    def refresh(self) -> None:
        """Reload the staff list; the last person stays selected."""
        current = self.names.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.names.clear()
        for person in staff.list_staff(self.ctx.db):
            if not person.active:
                continue
            item = QListWidgetItem(f"{person.name}    ·    {ROLE_LABELS[person.role]}")
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            self.names.addItem(item)
            if person.id == keep:
                self.names.setCurrentItem(item)
        if self.names.currentRow() < 0 and self.names.count():
            self.names.setCurrentRow(0)
        self.pin.clear()
        self.pin.setFocus()

    def _show(self, text: str, level: str) -> None:
        show_level(self.message, text, level)
        self.message.show()

    def _submit(self) -> None:
        item = self.names.currentItem()
        if item is None:
            self._show("Pick your name in the list first.", "warning")
            return
        pin = self.pin.text()
        staff_id = item.data(Qt.ItemDataRole.UserRole)
        self.pin.clear()
        self.button.setEnabled(False)

        def done(actor: Actor) -> None:
            self.button.setEnabled(True)
            self.message.hide()
            self.signed_in.emit(actor)

        def failed(exc: BaseException) -> None:
            self.button.setEnabled(True)
            from ui.context import explain

            text, _level = explain(exc, self.ctx.home)
            self._show(text, "error")
            self.pin.setFocus()

        self.ctx.run(lambda: staff.sign_in(self.ctx.db, staff_id, pin), done, failed)
