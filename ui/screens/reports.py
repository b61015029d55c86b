"""Reports: where warranty cost and delay happen, as a table to read, print or save as CSV."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ui.keys import bind_key
from ui.money import money
from ui.printing.desk import PrintDesk
from ui.screens.base import Screen
from ui.screens.report_export import ask_csv_path, save_csv
from ui.widgets.column_fit import fit_width
from ui.widgets.date_field import date_field, date_of, qdate
from ui.widgets.labels import Label
from warranty_desk.permissions import Permission
from warranty_desk.services import report_registry
from warranty_desk.services.report_table import Cell, ReportTable

Index = QModelIndex | QPersistentModelIndex
# Letters on a line of a report's header: "Days to / close", "Still / open".
HEADER_LINE = 8


class ReportModel(QAbstractTableModel):
    """A report's rows; money in the shop's currency, numbers right-aligned."""

    def __init__(self) -> None:
        super().__init__()
        self.table: ReportTable | None = None

    def show(self, table: ReportTable | None) -> None:
        """Show a report (None: nothing)."""
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.table is None else len(self.table.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.table is None else len(self.table.columns)

    def text(self, row: int, column: int) -> str:
        assert self.table is not None
        value: Cell = self.table.rows[row][column]
        if value is None:
            return "–"
        if column in self.table.money_columns and isinstance(value, int):
            return money(value)
        return f"{value:.1f}" if isinstance(value, float) else str(value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.table is None or not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(
                self.table.rows[index.row()][index.column()], int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (self.table is None or role != Qt.ItemDataRole.DisplayRole
                or orientation != Qt.Orientation.Horizontal):
            return None
        return header_lines(self.table.columns[section])

    def text_columns(self) -> tuple[str, ...]:
        """The headers of the columns holding words (names, states), which may be cut short;
        numbers and amounts are never cut."""
        if self.table is None:
            return ()
        return tuple(header_lines(title) for n, title in enumerate(self.table.columns)
                     if n not in self.table.money_columns
                     and not any(isinstance(row[n], int | float) for row in self.table.rows))


def header_lines(title: str) -> str:
    """A header of several words broken into short lines: the numbers under "Matches the cost
    ledger" need a fraction of its width, and eight such columns must fit 1024 pixels."""
    words: list[str] = []
    glue = False
    for word in title.split():
        # "%", "by", "to" never stand alone on a line: they stay with the word before them
        # ("Closed by"), or after them when they come first ("On time").
        short = len(word) <= 2
        if words and (glue or short):
            words[-1] += " " + word
        else:
            words.append(word)
        glue = short and len(words) == 1 and words[0] == word
    limit = max([HEADER_LINE, *map(len, words)])
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


class ReportsScreen(Screen):
    """Pick a report, read it, print it or save it for the spreadsheet."""

    title = "Reports"
    shortcut = "Shift+F8"
    permission = Permission.VIEW_REPORTS
    help_keys = (
        ("Up/Down", "Pick a report"),
        ("Ctrl+R", "Run the report again"),
        ("Ctrl+P", "Print the report (preview first) or save it as PDF"),
        ("Ctrl+Shift+S", "Save the report as CSV for a spreadsheet"),
    )

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        layout = self.page_layout()
        # The reports as a drop-down above the table, not a list beside it: a report of eight
        # columns needs the whole width of a 1024-pixel screen. Up/Down still pick one.
        self.choices = QComboBox()
        self.choices.setObjectName("reportChoices")
        for spec in report_registry.REPORTS.values():
            self.choices.addItem(spec.name.replace("-", " ").capitalize(), spec.name)
            self.choices.setItemData(self.choices.count() - 1, spec.words,
                                     Qt.ItemDataRole.ToolTipRole)
        self.print_button = QPushButton("Print or PDF…  (Ctrl+P)")
        self.print_button.setObjectName("primary")
        self.csv_button = QPushButton("Save CSV…  (Ctrl+Shift+S)")
        picked = QHBoxLayout()
        picked.addWidget(self.choices)
        picked.addStretch(1)
        picked.addWidget(self.print_button)
        picked.addWidget(self.csv_button)
        layout.addLayout(picked)
        period = QHBoxLayout()
        self.since = date_field()
        self.since_label = Label("Claims opened since")
        period.addWidget(self.since_label)
        period.addWidget(self.since)
        # What the report is for, as the list of reports said it beside each name.
        self.about = Label("")
        self.about.setObjectName("subtle")
        self.about.setWordWrap(True)
        period.addWidget(self.about, 1)
        layout.addLayout(self._column(period), 1)
        self.print_desk = PrintDesk(ctx, self)
        self.ask_csv_path = self._ask_csv_path  # replaced in tests
        self.choices.currentIndexChanged.connect(lambda _row: self.run_report())
        self.since.dateChanged.connect(lambda _d: self.run_report())
        self.print_button.clicked.connect(self.print_report)
        self.csv_button.clicked.connect(self.save_csv)
        bind_key(self, "Ctrl+R", self.run_report)
        bind_key(self, "Ctrl+P", self.print_report)
        bind_key(self, "Ctrl+Shift+S", self.save_csv)

    def _column(self, buttons: QHBoxLayout) -> QVBoxLayout:
        column = QVBoxLayout()
        column.addLayout(buttons)
        self.subtitle = Label("")
        self.subtitle.setObjectName("subtle")
        self.subtitle.setWordWrap(True)
        column.addWidget(self.subtitle)
        self.model = ReportModel()
        self.view = QTableView()
        self.view.setObjectName("report")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        column.addWidget(self.view, 1)
        # A table listed under the report (the messages that failed under the delivery rates).
        self.follow_title = Label("")
        self.follow_title.setObjectName("subtle")
        column.addWidget(self.follow_title)
        self.follow_model = ReportModel()
        self.follow_view = QTableView()
        self.follow_view.setObjectName("reportFollow")
        self.follow_view.setModel(self.follow_model)
        self.follow_view.setAlternatingRowColors(True)
        self.follow_view.verticalHeader().hide()
        column.addWidget(self.follow_view, 1)
        self._show_follow(None)
        self.notes = Label("")
        self.notes.setObjectName("subtle")
        self.notes.setWordWrap(True)
        column.addWidget(self.notes)
        return column

    def activated(self) -> None:
        today = self.ctx.today()
        self.since.blockSignals(True)
        self.since.setDate(qdate(today - timedelta(days=90)))
        self.since.blockSignals(False)
        self.run_report()
        self.choices.setFocus()

    def clear_for_sign_out(self) -> None:
        self.model.show(None)
        self._show_follow(None)
        self.subtitle.setText("")
        self.notes.setText("")

    def current(self) -> str:
        return str(self.choices.currentData() or "claims-by-brand")

    def run_report(self) -> None:
        """Build the chosen report off the GUI thread (it reads the whole ledger)."""
        name, actor = self.current(), self.ctx.require_actor()
        since = date_of(self.since)
        spec = report_registry.REPORTS[name]
        uses_period = spec.period_words is not None
        self.since_label.setText(spec.period_words or "")
        self.about.setText(spec.words.capitalize())
        self.since.setVisible(uses_period)
        self.since_label.setVisible(uses_period)
        self.subtitle.setText("Working…")
        self.ctx.run(lambda: report_registry.build(self.ctx.db, actor, name,
                                                   since=since), self._show)

    def _show_follow(self, table: ReportTable | None) -> None:
        self.follow_model.show(table)
        _fit(self.follow_view, self.follow_model)
        shown = table is not None and bool(table.rows)
        self.follow_title.setText(f"{table.title}:" if table is not None and shown else "")
        self.follow_title.setVisible(shown)
        self.follow_view.setVisible(shown)

    def _show(self, table: ReportTable) -> None:
        self.model.show(table)
        _fit(self.view, self.model)
        self._show_follow(table.follow[0] if table.follow else None)
        self.subtitle.setText(f"{table.title}: {table.subtitle}")
        self.notes.setText(" ".join(table.notes) if table.rows
                           else "Nothing to report for this period.")

    def print_report(self) -> None:
        if self.model.table is None:
            self.ctx.notice.emit("Pick a report first.", "warning")
            return
        self.print_desk.print_report(self.model.table)

    def _ask_csv_path(self) -> str:
        return ask_csv_path(self, f"{self.current()}-{self.ctx.today().isoformat()}.csv")

    def save_csv(self) -> None:
        table = self.model.table
        if table is None:
            self.ctx.notice.emit("Pick a report first.", "warning")
            return
        save_csv(self.ctx, table, self.ask_csv_path())


def _fit(view: QTableView, model: ReportModel) -> None:
    # A report of many columns fits beside the list of reports: names are cut short (the
    # tooltip has them whole), numbers never.
    fit_width(view, cut=model.text_columns()).fit()
