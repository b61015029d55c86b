"""Settings > Devices > Printers: the receipt printer, the system printers, paper and labels."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from printing.targets import parse_target
from ui.context import AppContext
from ui.printing.test_page import send_test_page
from ui.widgets.labels import Label
from ui.widgets.styling import show_level
from warranty_desk import config
from warranty_desk.config import PrinterSettings
from warranty_desk.errors import WarrantyDeskError

RECEIPT_EXAMPLE = ("For example tcp://192.168.1.50:9100 (network), serial://COM3?baud=19200 "
                   "(USB or serial on Windows), serial:///dev/ttyUSB0 or /dev/usb/lp0 (Linux). "
                   "Leave it empty if this till has no receipt printer.")
LABEL_WORDS = {"62x29mm": "62 × 29 mm (small label roll)", "4x6in": "4 × 6 in (shipping label)"}
SYSTEM_DEFAULT = "System default printer"
SAME_AS_DOCUMENTS = "Same printer as certificates"


def _choose(box: QComboBox, value: object, missing: str | None = None) -> None:
    """Select the item holding value; a saved printer not found now is kept and said so."""
    index = box.findData(value)
    if index < 0 and missing is not None:
        box.addItem(missing, value)
        index = box.count() - 1
    if index >= 0:
        box.setCurrentIndex(index)


class PrintersGroup(QGroupBox):
    """The printer part of the Devices form; DevicesTab saves it with the rest."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Printers")
        self.ctx = ctx
        form = QFormLayout(self)
        receipt = QVBoxLayout()
        self.receipt = QLineEdit()
        self.receipt.setObjectName("receiptTarget")
        self.receipt.setPlaceholderText("No receipt printer (type its address to add one)")
        receipt.addWidget(self.receipt)
        self.receipt_problem = Label("")
        self.receipt_problem.setObjectName("notice")
        self.receipt_problem.setWordWrap(True)
        self.receipt_problem.hide()
        receipt.addWidget(self.receipt_problem)
        example = Label(RECEIPT_EXAMPLE)
        example.setObjectName("subtle")
        example.setWordWrap(True)
        receipt.addWidget(example)
        form.addRow("Receipt printer", receipt)
        self.width_mm = QComboBox()
        for width in sorted(config.RECEIPT_WIDTHS_MM, reverse=True):
            self.width_mm.addItem(f"{width} mm", width)
        test_row = QHBoxLayout()
        test_row.addWidget(self.width_mm)
        self.test_button = QPushButton("Test print")
        test_row.addWidget(self.test_button)
        self.test_result = Label("")
        self.test_result.setWordWrap(True)
        test_row.addWidget(self.test_result, 1)
        form.addRow("Receipt paper width", test_row)
        self.document_printer = QComboBox()
        self.paper = QComboBox()
        for paper in config.PAPERS:
            self.paper.addItem(paper, paper)
        form.addRow("Certificates and reports on", self.document_printer)
        form.addRow("Paper size", self.paper)
        self.label_printer = QComboBox()
        self.label_size = QComboBox()
        for size in config.LABEL_SIZES:
            self.label_size.addItem(LABEL_WORDS.get(size, size), size)
        form.addRow("Return labels on", self.label_printer)
        form.addRow("Label size", self.label_size)
        self.receipt.editingFinished.connect(self.problem)
        self.test_button.clicked.connect(self._on_test_button_clicked)

    def fill(self, p: PrinterSettings, names: list[str]) -> None:
        """Show the saved settings; `names` are the printers the system knows now."""
        self.receipt.setText(p.receipt)
        self._say_problem("")
        self.test_result.setText("")
        _choose(self.width_mm, p.receipt_width_mm)
        for box, first in ((self.document_printer, SYSTEM_DEFAULT),
                           (self.label_printer, SAME_AS_DOCUMENTS)):
            box.clear()
            box.addItem(first, "")
            for name in names:
                box.addItem(name, name)
        _choose(self.document_printer, p.document_printer,
                f"{p.document_printer} (not found on this computer)")
        _choose(self.label_printer, p.label_printer,
                f"{p.label_printer} (not found on this computer)")
        _choose(self.paper, p.paper)
        _choose(self.label_size, p.label_size)

    def problem(self) -> str | None:
        """What is wrong with the receipt printer typed, shown beside it; None if it is fine."""
        text = self.receipt.text().strip()
        try:
            if text:
                parse_target(text)
        except WarrantyDeskError as exc:
            # The accepted forms the message goes on to list are printed just below the field.
            self._say_problem(str(exc).split(" Use ")[0])
            return str(exc)
        self._say_problem("")
        return None

    def _say_problem(self, text: str) -> None:
        show_level(self.receipt_problem, text, "error")
        self.receipt_problem.setVisible(bool(text))

    def settings(self) -> PrinterSettings:
        """The form's printer settings; call problem() first. Targets are kept canonical."""
        text = self.receipt.text().strip()
        return PrinterSettings(
            receipt=str(parse_target(text)) if text else "",
            receipt_width_mm=self.width_mm.currentData(), paper=self.paper.currentData(),
            document_printer=self.document_printer.currentData() or "",
            label_size=self.label_size.currentData(),
            label_printer=self.label_printer.currentData() or "")

    def _on_test_button_clicked(self) -> None:
        text = self.receipt.text().strip()
        if not text:
            self.test_result.setText("Type the receipt printer's address first.")
            return
        if self.problem() is not None:
            self.test_result.setText("Fix the address first (see above).")
            return
        # In the till's own zone: the test page says when it was printed, here.
        at = self.ctx.db.clock.now().astimezone()
        width, shop = self.width_mm.currentData(), self.ctx.shop.name
        self.test_button.setEnabled(False)
        self.test_result.setText("Sending a test page…")
        self.ctx.run(lambda: send_test_page(text, width, shop, at), self._tested,
                     self._test_failed)

    def _tested(self, target: str) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(f"The test page went to {target}. If no paper came out, "
                                 "check the paper roll and that this is the right printer.")

    def _test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(exc, WarrantyDeskError):
            self.test_result.setText(str(exc))
        else:
            self.test_result.setText("The test failed inside Warranty Desk (a bug).")
            self.ctx.report(exc)
