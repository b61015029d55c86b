"""The tabs of the Settings screen and what they share: the tab base and the problem table."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.context import AppContext
from ui.models.record_table import Column, RecordTableModel
from ui.widgets.labels import Label
from ui.widgets.record_view import fit_columns, record_view
from warranty_desk.permissions import Permission
from warranty_desk.services.sale_input import Problem


class SettingsTab(QWidget):
    """One tab: its title, the permission it needs beyond the screen's, and its refresh hook."""

    title = "Tab"
    permission: Permission = Permission.MANAGE_SETTINGS

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName(type(self).__name__)

    def refresh(self) -> None:
        """Reload what the tab shows (called when the tab or the screen is shown)."""

    def save(self) -> None:
        """Ctrl+S: save the tab's form, where it has one."""

    def clear_for_sign_out(self) -> None:
        """The counter locked: forget what was typed or read from a file. The shop's own
        settings stay: they belong to the shop, not to the person who looked."""


def outcome_label() -> Label:
    """A hidden, word-wrapped notice for what a file did; its words (from the file) plain text."""
    label = Label("")
    label.setObjectName("notice")
    label.setWordWrap(True)
    label.hide()
    return label


class ProblemTable(QWidget):
    """Every problem that stopped an all-or-nothing file: row, column and reason, with a count."""

    COLUMNS: tuple[Column[Problem], ...] = (
        Column("Row", lambda p: "" if p.row is None else str(p.row), numeric=True),
        Column("Column", lambda p: p.column),
        Column("Reason", lambda p: p.message),
    )

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.count = Label("")
        self.count.setObjectName("notice")
        self.count.setProperty("level", "error")
        self.count.setWordWrap(True)
        layout.addWidget(self.count)
        self.model: RecordTableModel[Problem] = RecordTableModel(self.COLUMNS)
        self.table = record_view(self.model, "problems")
        layout.addWidget(self.table, 1)
        self.hide()

    def show_problems(self, problems: Sequence[Problem], what: str) -> None:
        """List the problems; `what` says what was left undone ("nothing was imported")."""
        self.count.setText(f"{len(problems)} problem{'' if len(problems) == 1 else 's'}, so "
                           f"{what}. Fix every row below in the file, then try again.")
        self.model.set_records(problems)
        self.show()
        fit_columns(self.table)

    def rows(self) -> list[tuple[str, str, str]]:
        """The table's text, row by row."""
        return [(self.model.text(r, 0), self.model.text(r, 1), self.model.text(r, 2))
                for r in range(self.model.rowCount())]

    def clear(self) -> None:
        """Hide the table until the next rejected file."""
        self.model.set_records(())
        self.count.setText("")
        self.hide()
