"""The setup's scanner test (scan anything: what came in, what it reads as) and printer test
(a test page through the printer path Settings > Devices uses)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton

from ui.context import AppContext, explain
from ui.screens.first_run_parts.page import SetupState, StepPage
from ui.widgets.labels import Label
from ui.widgets.styling import show_level
from warranty_desk import config
from warranty_desk.services import first_run
from warranty_desk.services.first_run_checks import read_scan
from warranty_desk.services.first_run_progress import Progress


class ScannerPage(StepPage):
    """Scan anything: the step shows what the scanner sent and what the counter reads it as."""

    step = "scanner"
    title = "Scanner test"
    intro = ("Scan any barcode: a product's serial, its GS1 code on the box, or an invoice. "
             "A scanner that types like a keyboard needs no setting. No scanner yet? Press "
             "Enter to skip; Settings > Devices tests it later.")
    skippable = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.scan_box = QLineEdit()
        self.scan_box.setObjectName("setupScanBox")
        self.scan_box.setPlaceholderText("Scan here (or type a code and press Enter)")
        self.sent = Label("Nothing scanned yet.")
        self.sent.setWordWrap(True)
        self.reads_as = Label("")
        self.reads_as.setWordWrap(True)
        self.form.addRow("Scan", self.scan_box)
        self.form.addRow("The scanner sent", self.sent)
        self.form.addRow("It reads as", self.reads_as)
        self.result = ""

    def fill(self, state: SetupState) -> None:
        done = state.progress.draft("scanner").get("result", "")
        if done and done != "skipped" and not self.result:
            self.sent.setText(f"Before: {done}")

    def take_scan(self, text: str) -> bool:
        reading = read_scan(text)
        self.sent.setText(reading.shown or "(nothing)")
        self.reads_as.setText(reading.words[0].upper() + reading.words[1:])
        self.result = f"{reading.shown} read as {reading.words}"
        self.scan_box.clear()
        return True

    def take_enter(self) -> bool:
        """Enter in the scan box with a code typed in it tests that code, not the next step."""
        if self.scan_box.hasFocus() and self.scan_box.text():
            return self.take_scan(self.scan_box.text())
        return False

    def draft(self) -> dict[str, str]:
        return {"result": self.result} if self.result else {}

    def save_work(self) -> Callable[[], Progress]:
        db, result = self.ctx.db, self.result
        return lambda: first_run.save_test(db, "scanner", result)

    def skip_work(self) -> Callable[[], Progress]:
        db = self.ctx.db
        return lambda: first_run.save_test(db, "scanner", "")

    def first_field(self) -> QLineEdit:
        return self.scan_box


class PrinterPage(StepPage):
    """Print a test page on the receipt printer; a failure says why and may be skipped."""

    step = "printer"
    title = "Printer test"
    intro = ("Type the receipt printer's address and print a test page (Space on the button). "
             "If it does not print, the message says why; you can skip this and set the "
             "printer under Settings > Devices later.")
    skippable = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.target = QLineEdit()
        self.target.setObjectName("setupPrinter")
        self.target.setPlaceholderText("tcp://192.168.1.50:9100, serial://COM3 or /dev/usb/lp0")
        self.width_mm = QComboBox()
        for width in sorted(config.RECEIPT_WIDTHS_MM, reverse=True):
            self.width_mm.addItem(f"{width} mm", width)
        self.test_button = QPushButton("Print a test page")
        self.test_button.setObjectName("setupPrintTest")
        row = QHBoxLayout()
        row.addWidget(self.width_mm)
        row.addWidget(self.test_button)
        row.addStretch(1)
        self.outcome = Label("")
        self.outcome.setObjectName("notice")
        self.outcome.setWordWrap(True)
        self.outcome.hide()
        self.form.addRow("Receipt printer", self.target)
        self.form.addRow("Paper width", row)
        self.box.addWidget(self.outcome)
        self.result = ""
        self.printing = False
        self.shop_name = ""
        self.test_button.clicked.connect(self._on_test_button_clicked)

    def fill(self, state: SetupState) -> None:
        self.shop_name = state.shop.name
        if not self.target.text():
            self.target.setText(state.progress.draft("printer").get(
                "target", state.settings.printers.receipt))
        index = self.width_mm.findData(state.settings.printers.receipt_width_mm)
        self.width_mm.setCurrentIndex(max(index, 0))

    def _on_test_button_clicked(self) -> None:
        # Printing loads on the first test, not while the app starts (tests/ui/test_lazy_screens).
        from ui.printing.test_page import send_test_page

        target, width = self.target.text(), int(self.width_mm.currentData())
        shop, at = self.shop_name, self.ctx.db.clock.now()
        if self.printing:
            return
        # Not disabled while it prints: a disabled button hands its focus to a hidden step.
        self.printing = True
        show_level(self.outcome, "Printing the test page…", "info")
        self.outcome.show()
        self.ctx.run(lambda: send_test_page(target, width, shop, at), self._printed,
                     self._failed)

    def _printed(self, where: object) -> None:
        self.printing = False
        self.result = f"Printed on {where}"
        self.target.setFocus()  # so that Enter goes on, as the message says
        show_level(self.outcome, f"The test page went to {where}. If it came out straight, "
                   "press Enter to go on.", "success")

    def _failed(self, exc: BaseException) -> None:
        self.printing = False
        text = explain(exc, self.ctx.home)[0]
        self.result = ""
        show_level(self.outcome, f"The test page did not print: {text} Check the printer and "
                   "its address and try again, or skip this test.", "error")

    def draft(self) -> dict[str, str]:
        return {"target": self.target.text()}

    def save_work(self) -> Callable[[], Progress]:
        db, home, result = self.ctx.db, self.ctx.home, self.result
        target, width = self.target.text().strip(), int(self.width_mm.currentData())

        def work() -> Progress:
            if result and target:
                # The printer that printed is the one the till uses from now on.
                settings = config.load(home).settings
                config.save(home, replace(settings, printers=replace(
                    settings.printers, receipt=target, receipt_width_mm=width)))
            return first_run.save_test(db, "printer", result)

        return work

    def skip_work(self) -> Callable[[], Progress]:
        db = self.ctx.db
        return lambda: first_run.save_test(db, "printer", "")

    def first_field(self) -> QLineEdit:
        return self.target
