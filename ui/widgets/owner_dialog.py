"""Choosing who answers for a claim: its owner and a backup, from the staff list."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QVBoxLayout, QWidget

from ui.widgets.dialog_buttons import message_label, ok_cancel
from ui.widgets.labels import Label

# The claim screen's key for this dialog (G: give the claim to someone).
OWNER_KEY = "Ctrl+Shift+U"  # G prints a letter from the Messages tab
NOBODY = "Nobody"


def _people(names: tuple[str, ...], chosen: str | None) -> QComboBox:
    combo = QComboBox()
    combo.addItem(NOBODY, None)
    for name in names:
        combo.addItem(name, name)
    found = combo.findData(chosen) if chosen else 0
    combo.setCurrentIndex(max(found, 0))
    return combo


class OwnerDialog(QDialog):
    """Emits `chosen(owner, backup)`, each a staff name or None, once the two differ."""

    chosen = Signal(object, object)

    def __init__(self, number: str, staff: tuple[str, ...], owner: str | None,
                 backup: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ownerDialog")
        self.setWindowTitle(f"Owner of claim {number}")
        layout = QVBoxLayout(self)
        intro = Label(f"The owner answers for claim {number} until it is closed; the backup "
                      "takes it over when the owner is away.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.owner = _people(staff, owner)
        self.owner.setObjectName("ownerChoice")
        self.backup = _people(staff, backup)
        self.backup.setObjectName("backupChoice")
        form.addRow("&Owner", self.owner)
        form.addRow("&Backup", self.backup)
        layout.addLayout(form)
        self.message = message_label()
        layout.addWidget(self.message)
        buttons, self.ok = ok_cancel(self, "Save owner", self._on_buttons_accepted)
        layout.addWidget(buttons)
        self.owner.setFocus()

    def _on_buttons_accepted(self) -> None:
        owner, backup = self.owner.currentData(), self.backup.currentData()
        if owner is not None and owner == backup:
            self.message.setText(f"{owner} cannot be both: the backup stands in for the owner. "
                                 "Pick someone else as the backup.")
            self.backup.setFocus()
            return
        self.chosen.emit(owner, backup)
        self.accept()
