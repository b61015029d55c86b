"""PrintDesk: what screens call to print; every print ends in a notice and a queue refresh."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from printing.documents import PrintRequest, what_printed
from printing.jobs import PrintOutcome, print_document, retry
from ui.context import AppContext
from ui.printing.preview import PreviewChoice, ask_save_path, run_preview
from ui.printing.queue_keys import QUEUE_CHANGED, QUEUE_KEY
from ui.printing.work import (
    Sheet,
    print_each,
    record_system_print,
    render_sheet,
    retry_each,
    save_sheet,
)
from ui.wording import count, who_may
from warranty_desk import config
from warranty_desk.config import PrinterSettings
from warranty_desk.permissions import Permission
from warranty_desk.services.print_jobs import PrintJobView
from warranty_desk.services.report_table import ReportTable
from warranty_desk.storage.documents import DocumentStore

RECEIPT, PDF_ROUTE = "receipt", "pdf"
# What data_changed says once a letter printed: its message is delivered now.
MESSAGE_CHANGED = "message"
# Wherever messages are listed (a claim's, a customer's): the picked one as a letter, on the
# document printer or the receipt roll.
PRINT_LETTER_KEY = "Ctrl+Shift+G"
RECEIPT_LETTER_KEY = "Ctrl+Shift+J"


def no_receipt_printer(may_set_up: bool) -> str:
    """Why a slip did not print, and what to do: where to set a printer up for those who may,
    whom to ask for the others (never a screen they cannot open)."""
    how = ("set one up under Settings > Devices (F9)" if may_set_up
           else f"ask {who_may(Permission.MANAGE_SETTINGS)} to set one up")
    return f"No receipt printer is set up: {how}, or print the certificate (Ctrl+Shift+P)."


def outcome_notice(outcome: PrintOutcome) -> tuple[str, str]:
    """The notice for a receipt print: done, or the plain reason and where the job waits."""
    if outcome.delivered:
        return outcome.message, "success"
    job = outcome.job
    what = what_printed(job.document, job.subject, job.copy)
    return (f"Not printed: {job.last_error or 'the printer did not answer.'} The {what} waits "
            f"in the print queue; press {QUEUE_KEY} to open it and retry."), "warning"


class PrintDesk(QObject):
    """Sends receipt documents to the receipt printer and PDFs through the system's printers."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window = parent  # dialogs open over it
        # Modal dialogs, injected so tests can answer them: (parent, sheet) and (parent, name).
        self.preview: Callable[[QWidget | None, Sheet], PreviewChoice] = run_preview
        self.ask_save_path: Callable[[QWidget | None, str], str] = ask_save_path

    def printers(self) -> PrinterSettings:
        """This till's printer settings, read fresh: Settings > Devices may have changed them."""
        return config.load(self.ctx.home).settings.printers

    # --- Documents -------------------------------------------------------------------------

    def print_slip(self, code: str) -> None:
        """The warranty slip on the receipt printer; reprints say COPY."""
        p = self.printers()
        if not p.receipt:
            self.ctx.notice.emit(no_receipt_printer(self.ctx.may(Permission.MANAGE_SETTINGS)),
                                 "warning")
            return
        self._to_receipt(PrintRequest("slip", code, p.receipt, width_mm=p.receipt_width_mm))

    def print_slips(self, codes: Sequence[str],
                    on_done: Callable[[list[PrintOutcome]], None]) -> bool:
        """One slip per warranty; False (and nothing sent) when there is no receipt printer."""
        p = self.printers()
        if not p.receipt:
            return False
        actor, db = self.ctx.require_actor(), self.ctx.db
        requests = [PrintRequest("slip", c, p.receipt, width_mm=p.receipt_width_mm)
                    for c in codes]

        def done(outcomes: list[PrintOutcome]) -> None:
            self.ctx.data_changed.emit(QUEUE_CHANGED)
            on_done(outcomes)

        self.ctx.run(lambda: print_each(db, actor, requests), done, self._failed)
        return True

    def print_certificate(self, code: str) -> None:
        """The warranty certificate, a PDF page for the document printer."""
        p = self.printers()
        self._to_pdf("certificate", code, p.paper, p.document_printer)

    def print_ticket(self, number: str) -> None:
        """The claim's drop-off ticket: receipt printer, else a PDF page."""
        self._claim_paper("ticket", number)

    def print_hand_back(self, number: str) -> None:
        """The handover receipt of a claim's unit: receipt printer, else a PDF page."""
        self._claim_paper("handover", number)

    def _claim_paper(self, document: str, number: str) -> None:
        p = self.printers()
        if p.receipt:
            self._to_receipt(PrintRequest(document, number, p.receipt,
                                          width_mm=p.receipt_width_mm))
        else:
            self._to_pdf(document, number, p.paper, p.document_printer)

    def print_label(self, number: str) -> None:
        """The return label for a claim's unit, at the label size, on the label printer."""
        p = self.printers()
        self._to_pdf("label", number, p.label_size, p.label_printer or p.document_printer)

    def print_brand_packet(self, number: str) -> None:
        """A brand claim's packet for the brand, a PDF for the document printer: previewed,
        then printed or saved, and recorded in the print queue either way."""
        p = self.printers()
        self._to_pdf("brand_packet", number, p.paper, p.document_printer)

    def print_report(self, table: ReportTable) -> None:
        """A management report as a PDF: preview, then a system printer or a saved file."""
        actor, db, paper = self.ctx.require_actor(), self.ctx.db, self.printers().paper
        printer = self.printers().document_printer
        documents = DocumentStore(self.ctx.home.documents)

        def render() -> Sheet:
            # reportlab loads on the first report printed, not while the app starts.
            from printing.reports import report_pdf

            pdf = report_pdf(db, actor, table, paper=paper, documents=documents)
            return Sheet("report", table.title, False, paper, printer, pdf)

        self.ctx.run(render, lambda sheet: self._show_sheet(sheet, ""), self.ctx.report)

    def print_close_report(self, day: date, on_paper: str) -> None:
        """The day's close report on the receipt printer ("receipt") or as a PDF ("pdf")."""
        p = self.printers()
        if on_paper == RECEIPT and p.receipt:
            self._to_receipt(PrintRequest("close_report", day.isoformat(), p.receipt,
                                          width_mm=p.receipt_width_mm))
            return
        note = ("No receipt printer is set up, so the report opens as a page for the "
                "document printer." if on_paper == RECEIPT else "")
        self._to_pdf("close_report", day.isoformat(), p.paper, p.document_printer, note)

    def print_letter(self, message_id: str, on_paper: str) -> None:
        """A message as a letter: on the receipt printer ("receipt") or as a page for the
        document printer ("pdf"). Once it prints, the message is delivered by hand."""
        p = self.printers()
        if on_paper == RECEIPT and p.receipt:
            self._to_receipt(PrintRequest("letter", message_id, p.receipt,
                                          width_mm=p.receipt_width_mm))
            return
        note = ("No receipt printer is set up, so the letter opens as a page for the "
                "document printer." if on_paper == RECEIPT else "")
        self._to_pdf("letter", message_id, p.paper, p.document_printer, note)

    def print_letters(self, message_ids: Sequence[str]) -> None:
        """Several letters at once (a unit handed back): all on the receipt printer when there
        is one, else each as a page to print or save."""
        p = self.printers()
        if not p.receipt:
            for message_id in message_ids:
                self.print_letter(message_id, PDF_ROUTE)
            return
        actor, db = self.ctx.require_actor(), self.ctx.db
        requests = [PrintRequest("letter", m, p.receipt, width_mm=p.receipt_width_mm)
                    for m in message_ids]

        def done(outcomes: list[PrintOutcome]) -> None:
            self._changed("letter")
            stuck = [o for o in outcomes if not o.delivered]
            if not stuck:
                self.ctx.notice.emit(f"Printed {count(len(outcomes), 'letter')} for the "
                                     "customer to take.", "success")
            else:
                self.ctx.notice.emit(*outcome_notice(stuck[0]))

        self.ctx.run(lambda: print_each(db, actor, requests), done, self._failed)

    def retry(self, job: PrintJobView) -> None:
        """Send a queued job's bytes again, to the printer set up now."""
        actor, db, printers = self.ctx.require_actor(), self.ctx.db, self.printers()
        self.ctx.run(lambda: retry(db, actor, job.id, printers=printers), self._receipt_done,
                     self._failed)

    def retry_all(self, jobs: Sequence[PrintJobView]) -> None:
        """Send every waiting job again, and say in one notice how it went."""
        actor, db, waiting = self.ctx.require_actor(), self.ctx.db, list(jobs)
        printers = self.printers()

        def done(outcomes: list[PrintOutcome]) -> None:
            self.ctx.data_changed.emit(QUEUE_CHANGED)
            stuck = [o for o in outcomes if not o.delivered]
            if not stuck and len(outcomes) == len(waiting):
                self.ctx.notice.emit(f"Printed all {len(waiting)} waiting prints.", "success")
                return
            left = len(waiting) - (len(outcomes) - len(stuck))
            reason = stuck[0].job.last_error if stuck else ""
            self.ctx.notice.emit(f"{left} of {len(waiting)} prints still wait: {reason}",
                                 "warning")

        self.ctx.run(lambda: retry_each(db, actor, waiting, printers), done, self._failed)

    # --- Receipt route ---------------------------------------------------------------------

    def _to_receipt(self, request: PrintRequest) -> None:
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: print_document(db, actor, request), self._receipt_done,
                     self._failed)

    def _changed(self, document: str) -> None:
        self.ctx.data_changed.emit(QUEUE_CHANGED)
        if document == "letter":
            self.ctx.data_changed.emit(MESSAGE_CHANGED)

    def _receipt_done(self, outcome: PrintOutcome) -> None:
        self._changed(outcome.job.document)
        self.ctx.notice.emit(*outcome_notice(outcome))

    def _failed(self, exc: BaseException) -> None:
        # A bad printer setting or unknown code is said plainly; a job may have been queued.
        self.ctx.data_changed.emit(QUEUE_CHANGED)
        self.ctx.report(exc)

    # --- PDF route -------------------------------------------------------------------------

    def _to_pdf(self, document: str, subject: str, paper: str | None, printer: str,
                note: str = "") -> None:
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: render_sheet(db, actor, document, subject, paper, printer),
                     lambda sheet: self._show_sheet(sheet, note), self.ctx.report)

    def _show_sheet(self, sheet: Sheet, note: str) -> None:
        choice = self.preview(self.window, sheet)
        note = " ".join(x for x in (note, choice.note) if x)
        if choice.printed_on is not None:
            self.record(sheet, choice.printed_on, note)
        elif choice.save:
            path = self.ask_save_path(self.window, sheet.file_name)
            if path:
                self.save(sheet, path)
        else:
            self.ctx.notice.emit(f"Not printed: the {sheet.what} was closed unprinted.", "info")

    def record(self, sheet: Sheet, printer: str, note: str = "") -> None:
        """Record a print the system printer took, and say so."""
        actor, db = self.ctx.require_actor(), self.ctx.db
        where = f"on {printer}" if printer else "on the default printer"

        def done(_job: PrintJobView) -> None:
            self._changed(sheet.document)
            self.ctx.notice.emit(f"{note} Printed the {sheet.what} {where}.".strip(), "success")

        self.ctx.run(lambda: record_system_print(db, actor, sheet, printer), done,
                     self.ctx.report)

    def save(self, sheet: Sheet, path: str) -> None:
        """Save the document as a PDF file; the save is recorded like a print."""
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: save_sheet(db, actor, sheet, path), self._receipt_done,
                     self._failed)
