"""The print queue and history as table models: one row per job, in words a person reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import PurePath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from printing.documents import document_name
from ui.printing.work import SYSTEM_PREFIX
from warranty_desk.services.print_jobs import PrintJobView

Index = QModelIndex | QPersistentModelIndex
_STATES = {"queued": "Waiting in the queue", "printed": "Printed", "cancelled": "Cancelled"}


def printer_words(target: str) -> str:
    """Where a job went, as a shop assistant would say it."""
    if target.startswith(SYSTEM_PREFIX):
        return target[len(SYSTEM_PREFIX):] or "Default printer"
    if target.startswith("tcp://"):
        return f"Receipt printer {target[len('tcp://'):]}"
    if target.startswith("serial://"):
        return f"Receipt printer on {target[len('serial://'):].split('?')[0]}"
    if target.startswith("/dev/"):
        return f"Receipt printer {target}"
    # A saved PDF or a file standing in for a printer: its name; the tooltip has the folder.
    return f"File {PurePath(target).name}"


def _document(job: PrintJobView) -> str:
    return document_name(job.document).capitalize()


def _kind(job: PrintJobView) -> str:
    return "Copy" if job.copy else "Original"


def _problem(job: PrintJobView) -> str:
    return job.last_error or ("Not tried yet" if job.attempts == 0 else "")


class PrintJobModel(QAbstractTableModel):
    """Jobs as rows; the columns are picked by name so the queue and history share it."""

    def __init__(self, columns: Sequence[str], zone: str) -> None:
        super().__init__()
        self.columns = tuple(columns)
        self.jobs: tuple[PrintJobView, ...] = ()
        # Where each job goes on a retry; the queue sets it from the printer settings of now.
        self.route: Callable[[PrintJobView], str] = lambda j: j.target
        try:
            self.zone = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            self.zone = ZoneInfo("UTC")
        self._cells: dict[str, Callable[[PrintJobView], str]] = {
            "Document": _document,
            "For": lambda j: j.subject,
            "Original or copy": _kind,
            "Printer": self.printer,
            "Tries": lambda j: str(j.attempts),
            "Problem": _problem,
            "Asked by": lambda j: j.requested_by,
            "Printed by": lambda j: j.requested_by,
            "When": lambda j: self.when(j.created_at),
            "Outcome": lambda j: _STATES.get(j.state, j.state),
        }

    def printer(self, job: PrintJobView) -> str:
        """Where the job goes, and where it went first when that has changed since."""
        now = self.route(job)
        if now == job.target:
            return printer_words(now)
        return f"{printer_words(now)} (was {printer_words(job.target)})"

    def when(self, at: datetime | None) -> str:
        """A time in the shop's zone, to the minute."""
        return "" if at is None else at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def set_jobs(self, jobs: Sequence[PrintJobView]) -> None:
        """Show these jobs, replacing the previous ones."""
        self.beginResetModel()
        self.jobs = tuple(jobs)
        self.endResetModel()

    def job(self, row: int) -> PrintJobView | None:
        """The job on a row, if there is one."""
        return self.jobs[row] if 0 <= row < len(self.jobs) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        job = self.job(index.row())
        if job is None or not 0 <= index.column() < len(self.columns):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and column == "Printer":
            return self.route(job)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cells[column](job)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section]
        return None
