"""The lines of one sale and their serial fields: which to fill next, and what a scan may fill."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QScrollArea, QVBoxLayout, QWidget

from ui.screens.sale_parts.line_box import LineBox, UnitSlot
from ui.screens.sale_parts.offer_box import OfferBox
from ui.wording import count
from warranty_desk import normalize
from warranty_desk.scanning import ScanKind, classify


class LineList(QWidget):
    """A column of LineBoxes; Enter in a serial field asks for the next empty one."""

    field_done = Signal()  # Enter in a serial field
    changed = Signal()  # a serial typed, a line added or removed: the progress line recounts
    offer_answered = Signal(object)  # the OfferBox the customer answered

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._boxes: list[LineBox] = []

    def add(self, box: LineBox) -> None:
        """Show a line at the bottom and follow its serial fields."""
        for field in box.editable_fields():
            self._follow(field)
        if box.offer is not None:
            box.offer.answered.connect(self.offer_answered)
        self._boxes.append(box)
        self._layout.addWidget(box)
        self.changed.emit()

    def _follow(self, field: QLineEdit) -> None:
        field.returnPressed.connect(self.field_done)
        field.textChanged.connect(self.changed)

    def grow(self, box: LineBox, unit: UnitSlot, serial: str) -> QLineEdit | None:
        """One more unit on a line, its serial already in (a scan checked by `check`)."""
        field = box.add_unit(unit)
        if field is not None:
            field.setText(serial)
            self._follow(field)
        self.changed.emit()
        return field

    def remove(self, box: LineBox) -> None:
        """Take a line away for good."""
        if box in self._boxes:
            self._boxes.remove(box)
        box.setParent(None)
        box.deleteLater()
        self.changed.emit()

    def clear(self) -> None:
        """No lines."""
        for box in list(self._boxes):
            self.remove(box)

    def boxes(self) -> list[LineBox]:
        return list(self._boxes)

    def fields(self) -> list[QLineEdit]:
        """The serial fields staff still fill in, top to bottom."""
        return [f for box in self._boxes for f in box.editable_fields()]

    def next_empty_field(self) -> QLineEdit | None:
        """The focused empty serial field, else the first empty one."""
        fields = self.fields()
        focused = next((f for f in fields if f.hasFocus() and not f.text().strip()), None)
        return focused or next((f for f in fields if not f.text().strip()), None)

    def _unanswered(self) -> list[LineBox]:
        return [box for box in self._boxes
                if box.offer is not None and box.offer.decision() is None]

    def open_offers(self) -> list[OfferBox]:
        """The extension offers the customer has not answered yet, top to bottom."""
        return [box.offer for box in self._unanswered() if box.offer is not None]

    def focus(self, field: QWidget) -> None:
        """Put the cursor in a field (or on a button), scrolled into view on a long sale."""
        field.setFocus()
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if isinstance(area, QScrollArea):
            area.ensureWidgetVisible(field)

    def focus_next_empty(self) -> bool:
        """Go to the next serial still to scan, else the next offer to answer; False if none."""
        target: QWidget | None = self.next_empty_field()
        if target is None:
            target = next(iter(self.open_offers()), None)
        if target is not None:
            self.focus(target)
        return target is not None

    def fill(self, field: QLineEdit, text: str) -> str | None:
        """Put a scanned serial in the field: None if it went in, else why not ("" if blank)."""
        problem, serial = self.check(text)
        if problem is None:
            field.setText(serial)
        return problem

    def check(self, text: str) -> tuple[str | None, str]:
        """A scanned serial as it would go in, with why it may not ("" if blank) or None."""
        scan = classify(text)
        if scan.kind is ScanKind.EMPTY:
            return "", ""
        if scan.kind is ScanKind.GS1 and scan.serial is None:
            return ("That is the product barcode, not the serial. Scan the label marked S/N or "
                    "SERIAL."), ""
        serial = normalize.serial(scan.lookup_value(ScanKind.SERIAL))
        every = [f for box in self._boxes for f in box.serial_fields()]
        if any(normalize.serial(f.text()) == serial for f in every):
            return f"Serial {serial} is already on this sale. Scan the next unit.", serial
        return None, serial

    def unanswered_offer(self) -> LineBox | None:
        """The first line whose extension offer the customer has not answered yet."""
        return next(iter(self._unanswered()), None)

    def progress(self) -> str:
        """How many serials are still to scan, in words."""
        fields = self.fields()
        empty = sum(1 for f in fields if not f.text().strip())
        if not fields:
            return "No serials to scan." if self._boxes else ""
        if empty:
            return f"{empty} of {count(len(fields), 'serial')} still to scan."
        if self.open_offers():
            return ("Every serial is in. Ask the customer about the extended warranty: Y or N "
                    "answers, then Enter finishes.")
        return "Every serial is in. Enter on Finish (or Ctrl+Return) records the sale."
