"""Settings > Backups: how long nightly backups are kept, and the settings export and import
that set a second branch up from this one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ui.context import AppContext
from ui.screens.settings_tabs import ProblemTable, SettingsTab, outcome_label
from ui.widgets.labels import Label
from ui.widgets.styling import show_level
from warranty_desk import config, settings_file
from warranty_desk.services import settings_transfer
from warranty_desk.services.sale_input import Problem
from warranty_desk.settings_file import SettingsRejected

FILES = "Settings files (*.json *.toml);;All files (*)"


def _problem(text: str) -> Problem:
    """A problem of the settings file, split into where it is and what is wrong."""
    where, _, what = text.partition(": ")
    return Problem(None, where, what)


class BackupsTab(SettingsTab):
    """Days of nightly backups kept; Export settings… and Import settings… for another branch."""

    title = "Backups"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.keep_days = QSpinBox()
        self.keep_days.setRange(*config.KEEP_DAYS_RANGE)
        self.keep_days.setSuffix(" days")
        form.addRow("Keep nightly backups for", self.keep_days)
        layout.addLayout(form)
        note = Label("The nightly task (`warranty-desk backup --nightly`) makes a checked backup "
                     "in the backups folder and deletes its own backups older than this; the "
                     "newest good one, backups made by hand and those made before an update "
                     "are always kept.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("primary")
        layout.addWidget(self.save_button)
        intro = Label("Set up another branch from this one: Export settings writes the shop "
                      "details, this till's settings, policies, extension plans and suppliers' "
                      "terms to a file (no tokens, passwords or PINs). Import settings on the "
                      "other branch takes all of it or, if anything in the file is wrong, none "
                      "of it; that branch keeps its own code, name and address.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.export_button = QPushButton("Export settings…")
        self.import_button = QPushButton("Import settings…")
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)
        row.addStretch(1)
        layout.addLayout(row)
        # Words from the file (policy names, problems) are shown as plain text.
        self.summary = outcome_label()
        layout.addWidget(self.summary)
        self.problems = ProblemTable()
        layout.addWidget(self.problems, 1)
        layout.addStretch(0)
        self.save_button.clicked.connect(self.save)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)

    def refresh(self) -> None:
        self.keep_days.setValue(config.load(self.ctx.home).settings.backup_keep_days)

    def save(self) -> None:
        home, days = self.ctx.home, self.keep_days.value()

        def work() -> None:
            config.save(home, replace(config.load(home).settings, backup_keep_days=days))

        self.ctx.run(work, lambda _: self.ctx.notice.emit(
            f"Nightly backups are kept {days} days.", "success"))

    def _on_export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export settings to",
                                              str(Path.home() / "warranty-desk-settings.json"),
                                              FILES)
        if name:
            self.export_to(Path(name))

    def _on_import_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import settings from", str(Path.home()),
                                              FILES)
        if name:
            self.import_from(Path(name))

    def export_to(self, path: Path) -> None:
        """Write this branch's configuration to path on a worker."""
        db, actor, home = self.ctx.db, self.ctx.require_actor(), self.ctx.home
        self.ctx.run(lambda: settings_file.write(path,
                                                 settings_transfer.gather(db, actor, home)),
                     lambda done: self._say(f"Exported the settings to {done}. It holds no "
                                            "tokens, passwords or PINs.", "success"))

    def import_from(self, path: Path) -> None:
        """Set this branch up from the file on a worker; every problem listed if refused."""
        db, actor, home = self.ctx.db, self.ctx.require_actor(), self.ctx.home
        self.problems.clear()
        self.summary.hide()
        self.ctx.run(lambda: settings_transfer.import_settings(db, actor, home, path),
                     self._imported, self._refused)

    def _say(self, text: str, level: str) -> None:
        show_level(self.summary, text, level)
        self.summary.show()
        self.ctx.notice.emit(text.split(". ")[0] + ".", level)

    def _imported(self, report: settings_transfer.ImportReport) -> None:
        self._say(settings_transfer.kept_words(report), "success")
        self.refresh()
        self.ctx.data_changed.emit("settings")
        self.ctx.data_changed.emit("config")  # the sync and devices read config.toml again

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, SettingsRejected):
            self.problems.show_problems([_problem(p) for p in exc.problems],
                                        "nothing was imported")
            self._say(f"Nothing was imported: {len(exc.problems)} problem(s) in the file, "
                      "listed below. Nothing was changed.", "error")
            return
        self.ctx.report(exc)

    def clear_for_sign_out(self) -> None:
        self.summary.setText("")
        self.summary.hide()
        self.problems.clear()
