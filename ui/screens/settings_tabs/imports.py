"""Settings > POS import: check or import a POS invoice file on a worker, all or nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from ui.context import AppContext
from ui.screens.settings_tabs import ProblemTable, SettingsTab, outcome_label
from ui.widgets.labels import Label
from ui.widgets.styling import show_level
from ui.wording import count
from warranty_desk.permissions import Permission
from warranty_desk.services.imports import ImportRejected, ImportReport, import_invoices


class ImportsTab(SettingsTab):
    """Pick a file, try it with Dry run, then Import; bad files list every problem."""

    title = "POS import"
    permission = Permission.IMPORT_INVOICES

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = QVBoxLayout(self)
        intro = Label("Import the sales from a POS export: Warranty Desk's own CSV or JSON, "
                       "or a Shopify or Square orders export. Nothing is added unless every row "
                       "is right, and the same file is never imported twice.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("POS invoice file")
        self.choose = QPushButton("Choose file…")
        self.dry_run_button = QPushButton("Dry run")
        self.dry_run_button.setToolTip("Check the file and count what it would add; "
                                       "nothing is written.")
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("primary")
        for widget in (self.choose, self.dry_run_button, self.import_button):
            row.addWidget(widget)
        row.insertWidget(0, self.path, 1)
        layout.addLayout(row)
        self.progress = QProgressBar()
        # The import cannot say how far along it is, so the bar shows it is busy, not a share.
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        layout.addWidget(self.progress)
        # Order names and refund lines come from the file: a Label shows them as typed.
        self.summary = outcome_label()
        layout.addWidget(self.summary)
        self.problems = ProblemTable()
        layout.addWidget(self.problems, 1)
        layout.addStretch(0)
        self.choose.clicked.connect(self._on_choose_clicked)
        self.dry_run_button.clicked.connect(lambda: self.start(dry_run=True))
        self.import_button.clicked.connect(lambda: self.start(dry_run=False))

    def _on_choose_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "POS invoice file", str(Path.home()),
            "Sales files (*.csv *.json);;All files (*)")
        if name:
            self.path.setText(name)

    def start(self, *, dry_run: bool) -> None:
        """Run the import (or its dry run) on a worker; the bar shows while it runs."""
        text = self.path.text().strip()
        if not text:
            self.ctx.notice.emit("Choose the POS invoice file first.", "warning")
            return
        path, actor, db = Path(text), self.ctx.require_actor(), \
            self.ctx.db
        self.problems.clear()
        self.summary.hide()
        self._busy(True)
        self.ctx.run(lambda: import_invoices(db, actor, path, dry_run=dry_run),
                     self._done, self._failed)

    def clear_for_sign_out(self) -> None:
        # A POS file's rows name customers: its path, summary and problems go.
        self.path.clear()
        self.summary.setText("")
        self.summary.hide()
        self.problems.clear()

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for button in (self.choose, self.dry_run_button, self.import_button):
            button.setEnabled(not busy)

    def _show_summary(self, text: str, level: str) -> None:
        show_level(self.summary, text, level)
        self.summary.show()

    def _done(self, report: ImportReport) -> None:
        self._busy(False)
        lines = [report.summary(), *(f"• {line}" for line in report.details())]
        self._show_summary("\n".join(lines), "info" if report.dry_run else "success")
        if not report.dry_run and not report.already_imported:
            self.ctx.data_changed.emit("sale")
        self.ctx.notice.emit(report.summary(), "success")

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, ImportRejected):
            self.problems.show_problems(exc.problems, "nothing was imported")
            self.ctx.notice.emit(f"Nothing was imported: {count(len(exc.problems), 'problem')} "
                                 "in the file, listed below.", "error")
            return
        self.ctx.report(exc)
