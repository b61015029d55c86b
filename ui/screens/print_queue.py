"""The print queue: jobs waiting for their printer, recent prints, and the day's close report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QWidget,
)

from printing.documents import document_name
from printing.jobs import goes_to
from ui.context import AppContext
from ui.keys import IN_WIDGET_AND_CHILDREN, ON_WIDGET, bind_key
from ui.printing.desk import PDF_ROUTE, RECEIPT, PrintDesk
from ui.printing.job_model import PrintJobModel, printer_words
from ui.printing.queue_keys import QUEUE_CHANGED, QUEUE_KEY
from ui.screens.base import Screen
from ui.widgets.column_fit import fit_width
from ui.widgets.date_field import date_field, date_of, qdate
from ui.widgets.labels import Label
from ui.widgets.record_view import fit_columns, record_view
from ui.widgets.styling import show_level
from warranty_desk.permissions import Permission
from warranty_desk.services import print_jobs
from warranty_desk.services.print_jobs import PrintJobView

# The longest cell comes last, where the table stretches it and elides what does not fit. The
# printer's error is a sentence or two: it is shown whole under the table for the job selected.
QUEUE_COLUMNS = ("Document", "For", "Original or copy", "Tries", "Asked by", "When", "Printer")
HISTORY_COLUMNS = ("When", "Document", "For", "Original or copy", "Outcome", "Printed by",
                   "Printer")
# The history shows what a person looks back on at the counter: today and the days before.
HISTORY_ROWS = 100


def ask_reason(parent: QWidget, job: PrintJobView) -> str | None:
    """Why a job is cancelled (kept in the audit log); None when the person changes their mind."""
    text, ok = QInputDialog.getText(
        parent, "Cancel the print",
        f"Why is the {document_name(job.document)} for {job.subject} cancelled?\n"
        "(for example: printed by hand, customer left)")
    return text if ok else None


class PrintQueueScreen(Screen):
    """Nothing printed is lost: failed jobs wait here until retried or cancelled."""

    title = "Print queue"
    shortcut = QUEUE_KEY
    permission = Permission.PRINT
    help_keys = (
        ("Enter", "Retry the selected waiting job"),
        ("Ctrl+Enter", "Retry every waiting job"),
        ("Del", "Cancel the selected waiting job (asks why)"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.desk = PrintDesk(ctx, self)
        self.ask_reason: Callable[[QWidget, PrintJobView], str | None] = ask_reason
        layout = self.page_layout()
        self.summary = Label("")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.queue_model = PrintJobModel(QUEUE_COLUMNS, ctx.shop.timezone)
        self.queue = record_view(self.queue_model, "printQueue")
        fit_width(self.queue, cut=("Document", "For", "Asked by", "Printer"))
        layout.addWidget(self.queue, 2)
        self.problem = Label("")
        self.problem.setObjectName("notice")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        row = QHBoxLayout()
        self.retry_button = QPushButton("Retry  (Enter)")
        self.retry_button.setObjectName("primary")
        self.retry_all_button = QPushButton("Retry all  (Ctrl+Enter)")
        self.cancel_button = QPushButton("Cancel job…  (Del)")
        row.addWidget(self.retry_button)
        row.addWidget(self.retry_all_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(Label("Printed recently (newest first)"))
        self.history_model = PrintJobModel(HISTORY_COLUMNS, ctx.shop.timezone)
        self.history = record_view(self.history_model, "printHistory")
        fit_width(self.history, cut=("Document", "For", "Outcome", "Printed by", "Printer"))
        layout.addWidget(self.history, 3)
        layout.addWidget(self._close_report_box())
        self._connect_signals()

    def _close_report_box(self) -> QGroupBox:
        box = QGroupBox("Close report: the day's activations, extensions, missing serials and "
                        "claims, per person")
        row = QHBoxLayout(box)
        row.addWidget(Label("Day"))
        self.report_day = date_field()
        row.addWidget(self.report_day)
        self.report_receipt_button = QPushButton("Print on &receipt printer")
        self.report_pdf_button = QPushButton("&PDF / system printer…")
        row.addWidget(self.report_receipt_button)
        row.addWidget(self.report_pdf_button)
        row.addStretch(1)
        return box

    def _connect_signals(self) -> None:
        # Acting on the selected waiting job, by button or key (keys only in the queue table).
        self.retry_button.clicked.connect(self.retry_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        for key, slot in ((Qt.Key.Key_Return, self.retry_selected),
                          (Qt.Key.Key_Enter, self.retry_selected),
                          (Qt.Key.Key_Delete, self.cancel_selected)):
            bind_key(self.queue, key, slot, where=ON_WIDGET)
        self.queue.doubleClicked.connect(lambda _index: self.retry_selected())
        self.queue.selectionModel().selectionChanged.connect(self._show_problem)
        self.retry_all_button.clicked.connect(self.retry_all)
        for chord in ("Ctrl+Return", "Ctrl+Enter"):
            bind_key(self, chord, self.retry_all, where=IN_WIDGET_AND_CHILDREN)
        # The close report.
        self.report_receipt_button.clicked.connect(
            lambda: self.desk.print_close_report(self.day(), RECEIPT))
        self.report_pdf_button.clicked.connect(
            lambda: self.desk.print_close_report(self.day(), PDF_ROUTE))
        # Prints made on other screens show up here at once.
        self.ctx.data_changed.connect(self._on_ctx_data_changed)

    # --- Showing -------------------------------------------------------------------------

    def activated(self) -> None:
        today = self.ctx.today()
        self.report_day.setMaximumDate(qdate(today))
        self.report_day.setDate(qdate(today))
        self.refresh()
        self.queue.setFocus()

    def _on_ctx_data_changed(self, what: str) -> None:
        if what == QUEUE_CHANGED and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Reload the waiting jobs and the history off the GUI thread."""
        db = self.ctx.db
        # Read each time: a printer's address corrected in Settings > Devices shows at once.
        printers = self.desk.printers()
        self.queue_model.route = lambda job: goes_to(job, printers)
        self.ctx.run(lambda: (print_jobs.queued(db),
                              print_jobs.history(db, limit=HISTORY_ROWS)), self._show)

    def _show(self, lists: tuple[tuple[PrintJobView, ...], tuple[PrintJobView, ...]]) -> None:
        waiting, recent = lists
        kept = self.selected_job()
        self.queue_model.set_jobs(waiting)
        self.history_model.set_jobs(recent)
        for view in (self.queue, self.history):
            # A long printer error or document name is cut short (its tooltip has it all),
            # so it never pushes the others off screen.
            fit_columns(view)
        rows = [n for n, job in enumerate(waiting) if kept and job.id == kept.id] or [0]
        if waiting:
            self.queue.selectRow(rows[0])
        for button in (self.retry_button, self.retry_all_button, self.cancel_button):
            button.setEnabled(bool(waiting))
        self._show_problem()
        if waiting:
            self.summary.setText(
                f"{len(waiting)} print{'s' if len(waiting) != 1 else ''} did not reach the "
                "printer and wait here. Fix the printer (power, paper, cable), then select a "
                "job and press Enter to retry, or Del to cancel it.")
        else:
            self.summary.setText("Nothing is waiting: every print reached its printer.")

    def clear_for_sign_out(self) -> None:
        # Jobs name warranties and claims, and who asked: reloaded for the next person.
        self._show(((), ()))
        self.summary.setText("")

    def _show_problem(self) -> None:
        job = self.selected_job()
        self.problem.setVisible(job is not None)
        if job is not None:
            model = self.queue_model
            tries = f"{job.attempts} time{'s' if job.attempts != 1 else ''}"
            route = model.route(job)
            moved = (f" A retry sends it to {printer_words(route)}, the printer set up now."
                     if route != job.target else "")
            show_level(self.problem, f"{document_name(job.document).capitalize()} for "
                       f"{job.subject}, asked by {job.requested_by} at "
                       f"{model.when(job.created_at)}; tried {tries}. "
                       f"{job.last_error or 'Not sent yet.'}{moved}", "warning")

    def day(self) -> date:
        """The day the close report is for."""
        return date_of(self.report_day)

    def selected_job(self) -> PrintJobView | None:
        """The waiting job selected in the queue table."""
        rows = self.queue.selectionModel().selectedRows() if self.queue.selectionModel() else []
        return self.queue_model.job(rows[0].row()) if rows else None

    # --- Acting --------------------------------------------------------------------------

    def retry_selected(self) -> None:
        """Send the selected job to its printer again."""
        job = self.selected_job()
        if job is None:
            self.ctx.notice.emit("Select a waiting print first.", "warning")
            return
        self.desk.retry(job)

    def retry_all(self) -> None:
        """Send every waiting job again (after the printer is fixed)."""
        waiting = self.queue_model.jobs
        if waiting:
            self.desk.retry_all(waiting)

    def cancel_selected(self) -> None:
        """Take the selected job off the queue, with the reason asked for."""
        job = self.selected_job()
        if job is None:
            self.ctx.notice.emit("Select a waiting print first.", "warning")
            return
        reason = self.ask_reason(self, job)
        if reason is None:
            return
        actor, db = self.ctx.require_actor(), self.ctx.db

        def done(cancelled: PrintJobView) -> None:
            self.ctx.data_changed.emit(QUEUE_CHANGED)
            self.ctx.notice.emit(f"Cancelled the {document_name(cancelled.document)} for "
                                 f"{cancelled.subject}; it will not print.", "success")

        self.ctx.run(lambda: print_jobs.cancel(db, actor, job.id, reason), done)
