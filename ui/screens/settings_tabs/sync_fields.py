"""The parts Settings > Sync is built of: the secret fields that only ever write, the form
read off the GUI thread, and small field helpers."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from sync import secrets
from ui.widgets.labels import Label
from warranty_desk import config
from warranty_desk.storage.home import Home

SECRET_NAMES = (secrets.PORTAL_TOKEN, secrets.WEBHOOK_SECRET, secrets.TRYTON_PASSWORD,
                secrets.SMTP_PASSWORD, secrets.SMS_TOKEN)
SECRET_WORDS = {secrets.PORTAL_TOKEN: "sync token", secrets.WEBHOOK_SECRET: "webhook secret",
                secrets.TRYTON_PASSWORD: "Tryton password",
                secrets.SMTP_PASSWORD: "mail server password",
                secrets.SMS_TOKEN: "SMS gateway token"}

@dataclass(frozen=True, slots=True)
class SyncForm:
    """What the tab loads off the GUI thread: the settings, which secrets exist, and where."""

    loaded: config.Loaded
    stored: dict[str, bool]
    where: str


def read_form(home: Home) -> SyncForm:
    """Blocking: config.toml and the secret store (only whether each secret is there)."""
    return SyncForm(config.load(home),
                    {name: secrets.get_secret(home, name) is not None for name in SECRET_NAMES},
                    secrets.where(home))


def problem_label() -> QLabel:
    label = Label("")
    label.setObjectName("notice")
    label.setWordWrap(True)
    label.hide()
    return label


def line_edit(name: str, hint: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(hint)
    return edit


def note_label(text: str) -> QLabel:
    label = Label(text)
    label.setObjectName("subtle")
    label.setWordWrap(True)
    return label


class SecretField(QWidget):
    """A password box that only ever writes: it shows whether a secret is stored, never which."""

    remove_requested = Signal(str)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.setObjectName(f"secret_{name}")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setObjectName(f"{name}Edit")
        row.addWidget(self.edit, 1)
        self.state = Label("")
        self.state.setObjectName("subtle")
        row.addWidget(self.state)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(f"Forget the stored {SECRET_WORDS[name]} on this till")
        row.addWidget(self.remove_button)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.name))
        self.show_stored(False)

    def show_stored(self, stored: bool) -> None:
        """Say whether one is stored; the box stays empty either way."""
        self.stored = stored
        self.edit.clear()
        self.state.setText("Stored" if stored else "Not set")
        self.edit.setPlaceholderText("Type a new one to replace it" if stored
                                     else f"Type the {SECRET_WORDS[self.name]}")
        self.remove_button.setEnabled(stored)

    def typed(self) -> str:
        """What was typed (empty: keep the stored one)."""
        return self.edit.text().strip()
