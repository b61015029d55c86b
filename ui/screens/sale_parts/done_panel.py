"""The end of a sale: every new warranty code, large, and what became of their slips."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from printing.jobs import PrintOutcome
from ui.money import money
from ui.printing.desk import PrintDesk, outcome_notice
from ui.printing.queue_keys import QUEUE_KEY
from ui.widgets.labels import Label
from ui.widgets.styling import show_level
from ui.wording import count, who_may
from warranty_desk.permissions import Permission
from warranty_desk.services.sale_plan import PlanCharge

# (warranty code, product, serial or None) for each unit of the sale.
CodeRow = tuple[str, str, str | None]


class SaleDonePanel(QWidget):
    """The codes, a certificate button beside each, and the slips sent to the receipt printer."""

    def __init__(self) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        self.title = Label("")
        self.title.setObjectName("heading")
        self.title.setWordWrap(True)
        column.addWidget(self.title)
        self.codes_area = QVBoxLayout()
        column.addLayout(self.codes_area)
        # What the till must charge for the plans sold: the warranty desk records the plan,
        # the till takes the money.
        self.charge_note = Label("")
        # Styled as a notice: a cashier must not miss it among the codes.
        self.charge_note.setObjectName("notice")
        self.charge_note.setStyleSheet("font-weight: 600;")
        self.charge_note.setWordWrap(True)
        self.charge_note.hide()
        column.addWidget(self.charge_note)
        self.slip_note = Label("")
        self.slip_note.setObjectName("notice")
        self.slip_note.setWordWrap(True)
        column.addWidget(self.slip_note)
        self.next_button = QPushButton("Next sale")
        column.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        self._desk: PrintDesk | None = None
        self._notify: Callable[[str, str], None] = lambda _text, _level: None

    def print_with(self, desk: PrintDesk, notify: Callable[[str, str], None]) -> None:
        """The screen's print desk, and where a slip that did not print is reported."""
        self._desk, self._notify = desk, notify

    def show_result(self, title: str, rows: Sequence[CodeRow],
                    charges: Sequence[PlanCharge] = ()) -> None:
        """The title, a row per new warranty, and what to charge for the plans sold."""
        self.clear()
        self.title.setText(title)
        for code, product, serial in rows:
            self.codes_area.addWidget(self._code_row(code, product, serial))
        if charges:
            lines = [f"•  {c.plan}: {c.units} × {money(c.price_minor)} = "
                     f"{money(c.total_minor)}" for c in charges]
            total = sum(c.total_minor for c in charges)
            show_level(self.charge_note, "Charge at the till: the extended warranty sold "
                       "here is paid there, like any item.\n" + "\n".join(lines)
                       + (f"\nTotal to charge: {money(total)}" if len(charges) > 1 else ""),
                       "warning")
            self.charge_note.show()

    def clear(self) -> None:
        """No title, codes, charge or slip news."""
        self.title.setText("")
        self.charge_note.setText("")
        self.charge_note.hide()
        self.slip_note.setText("")
        self.slip_note.hide()
        while self.codes_area.count():
            item = self.codes_area.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()

    def _code_row(self, code: str, product: str, serial: str | None) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 4, 0, 4)
        label = Label(code)
        label.setObjectName("warrantyCode")
        # Large enough to check against the slip, or to read out if nothing printed.
        label.setStyleSheet("font-size: 22px; font-weight: 700;")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addWidget(label)
        detail = Label(f"{product}  ·  serial {serial or 'not recorded'}")
        detail.setObjectName("subtle")
        detail.setWordWrap(True)
        line.addWidget(detail, 1)
        button = QPushButton("Print certificate…")
        button.setObjectName("certificateButton")
        button.setToolTip(f"The warranty certificate for {code}, as a page for the office "
                          "printer or a PDF")
        button.clicked.connect(lambda: self._print_certificate(code))
        line.addWidget(button)
        return row

    def _print_certificate(self, code: str) -> None:
        if self._desk is not None:
            self._desk.print_certificate(code)

    # --- The slips ----------------------------------------------------------------------------

    def print_slips(self, codes: Sequence[str]) -> None:
        """A slip per new warranty on the receipt printer, or why there is none."""
        if not codes:
            self.slip_note.hide()
            return
        self.slip_note.show()
        if self._desk is None or not self._desk.printers().receipt:
            where = ("A receipt printer is set up under Settings > Devices (F9)."
                     if self._desk is not None and self._desk.ctx.may(Permission.MANAGE_SETTINGS)
                     else f"To print slips, ask {who_may(Permission.MANAGE_SETTINGS)} to set "
                          "up a receipt printer.")
            show_level(self.slip_note, "No receipt printer is set up, so no slips were "
                                       "printed. Give the customer these codes, or print a "
                                       f"certificate for each (the buttons beside them). {where}",
                       "warning")
            return
        show_level(self.slip_note, f"Printing {count(len(codes), 'warranty slip')}…", "info")
        self._desk.print_slips(codes, self._on_slips_printed)

    def _on_slips_printed(self, outcomes: list[PrintOutcome]) -> None:
        printed = [o.job.subject for o in outcomes if o.delivered]
        waiting = [o.job.subject for o in outcomes if not o.delivered]
        if not waiting:
            show_level(self.slip_note, f"Printed {count(len(printed), 'warranty slip')}: "
                                       f"{', '.join(printed)}. Hand them to the customer.",
                       "success")
            return
        done = f"Printed: {', '.join(printed)}. " if printed else ""
        show_level(self.slip_note, f"{done}Not printed yet: {', '.join(waiting)}; they wait in "
                                   f"the print queue ({QUEUE_KEY}). Give the customer the codes "
                                   "meanwhile.", "warning")
        self._notify(*outcome_notice(next(o for o in outcomes if not o.delivered)))
