"""First start on a new install: create the owner's account so someone can sign in."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.context import AppContext, explain
from ui.widgets.labels import Label
from warranty_desk.permissions import Actor, Role
from warranty_desk.services import staff


class FirstRunScreen(QWidget):
    """Shown only while the shop has no staff at all."""

    created = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 40, 80, 40)
        title = Label("Welcome to Warranty Desk")
        title.setObjectName("heading")
        layout.addWidget(title)
        intro = Label("Nobody can sign in yet. Create the owner's account; the owner then adds "
                       "the staff under Settings.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Owner's name", self.name)
        form.addRow("PIN (4 to 8 digits)", self.pin)
        form.addRow("PIN again", self.again)
        layout.addLayout(form)
        self.button = QPushButton("Create the owner's account  (Enter)")
        self.button.setObjectName("primary")
        layout.addWidget(self.button)
        self.message = Label("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.button.clicked.connect(self._submit)
        self.again.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        if self.pin.text() != self.again.text():
            self.message.setText("The two PINs differ. Type the same PIN twice.")
            return
        name, pin = self.name.text(), self.pin.text()

        def work() -> object:
            return staff.create_staff(self.ctx.db, Actor.system("first start"), name,
                                      Role.OWNER, pin)

        self.ctx.run(work, lambda _v: self.created.emit(),
                     lambda exc: self.message.setText(explain(exc, self.ctx.home)[0]))
