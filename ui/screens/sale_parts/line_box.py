"""One line of a sale: the product, a serial field per unit, and the extension offer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ui.screens.sale_parts.offer_box import OfferBox
from ui.widgets.labels import Label
from warranty_desk import normalize
from warranty_desk.views import ExtensionOfferView


@dataclass(frozen=True, slots=True)
class UnitSlot:
    """One unit's row in a line: what it is called, its serial if known, whether it needs one."""

    label: str
    serial: str | None
    needs_serial: bool
    recorded: bool = False


class LineBox(QFrame):
    """One sale line: product, a serial field per unit, and the extension offer if eligible."""

    remove_requested = Signal(object)

    def __init__(self, title: str, detail: str, units: Sequence[UnitSlot],
                 offers: Sequence[ExtensionOfferView], *, removable: bool) -> None:
        super().__init__()
        self.setObjectName("card")
        # Labels would otherwise paint the page colour over the white card.
        self.setStyleSheet("QLabel, QRadioButton { background: transparent; }")
        self.title = title
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        name = Label(title)
        name.setStyleSheet("font-weight: 600;")
        top.addWidget(name)
        self.info = Label(detail)
        self.info.setObjectName("subtle")
        top.addWidget(self.info)
        top.addStretch(1)
        if removable:
            remove = QPushButton("Remove line")
            remove.clicked.connect(lambda: self.remove_requested.emit(self))
            top.addWidget(remove)
        layout.addLayout(top)
        self._grid = QGridLayout()
        self.slots: list[tuple[UnitSlot, QLineEdit | None]] = []
        for unit in units:
            self.add_unit(unit)
        layout.addLayout(self._grid)
        self.offer = OfferBox(offers) if offers else None
        if self.offer is not None:
            layout.addWidget(self.offer)

    def add_unit(self, unit: UnitSlot) -> QLineEdit | None:
        """One more unit's row at the bottom: its serial field, or a note that it needs none."""
        n = len(self.slots)
        self._grid.addWidget(Label(unit.label), n, 0)
        field: QLineEdit | None = None
        if unit.serial is not None or unit.needs_serial:
            field = QLineEdit(unit.serial or "")
            field.setObjectName("serialField")
            field.setReadOnly(unit.recorded)
            field.setPlaceholderText(f"Scan the serial of {unit.label.lower()}"
                                     if unit.label.startswith("Unit") else "Scan the serial")
            self._grid.addWidget(field, n, 1)
        else:
            note = Label("no serial needed")
            note.setObjectName("subtle")
            self._grid.addWidget(note, n, 1)
        self.slots.append((unit, field))
        return field

    def editable_fields(self) -> list[QLineEdit]:
        """Serial fields staff still fill in (recorded serials are read-only)."""
        return [f for _, f in self.slots if f is not None and not f.isReadOnly()]

    def serial_fields(self) -> list[QLineEdit]:
        """Every serial field, recorded ones included."""
        return [f for _, f in self.slots if f is not None]

    def new_serials(self) -> list[tuple[str, str]]:
        """(unit label, serial) for every field filled in on this screen."""
        return [(u.label, normalize.serial(f.text())) for u, f in self.slots
                if f is not None and not f.isReadOnly() and f.text().strip()]
