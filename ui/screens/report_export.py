"""A report table saved as CSV for a spreadsheet: the Reports screen and the dashboard both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from warranty_desk.services.exports import write_csv_parts
from warranty_desk.services.report_table import ReportTable

if TYPE_CHECKING:
    from ui.context import AppContext


def ask_csv_path(parent: QWidget, name: str) -> str:
    """Where to save: the system's dialog, offering `name` (empty when the person cancels)."""
    path, _ = QFileDialog.getSaveFileName(parent, "Save the report as CSV", name,
                                          "CSV files (*.csv)")
    return path


def save_csv(ctx: AppContext, table: ReportTable, path: str) -> None:
    """Write the table and the tables under it to `path`; say what happened in plain words."""
    if not path:
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as out:
            write_csv_parts(out, ((part.columns, part.rows) for part in (table, *table.follow)))
    except OSError as exc:
        ctx.notice.emit(f"Could not save {path} ({exc.strerror}). Pick another folder.", "error")
        return
    ctx.notice.emit(f"Saved {table.title.lower()} to {path}.", "success")
