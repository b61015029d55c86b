"""The owner's dashboard: every figure for a range, filtered and compared, each opening the
claims behind it, with the weekly claims, cost by kind and the comparison drawn as charts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.charts import Series, bar_chart, is_dark, line_chart
from ui.keys import bind_key
from ui.money import amount_decimals, money
from ui.printing.desk import PrintDesk
from ui.screens.base import Screen
from ui.screens.dashboard_patterns import show_patterns
from ui.screens.report_export import ask_csv_path, save_csv
from ui.widgets.date_field import date_field, date_of, qdate
from ui.widgets.labels import Label
from warranty_desk.permissions import Permission
from warranty_desk.rules.metrics.rows import DIMENSIONS
from warranty_desk.services import report_registry
from warranty_desk.services.dashboard import Dashboard, behind, compared, dashboard
from warranty_desk.services.metric_figures import CLAIM, DAYS, MONEY, PERCENT, Figure
from warranty_desk.services.report_table import ReportTable

if TYPE_CHECKING:
    from ui.context import AppContext

NOBODY = "(none)"
EVERYTHING = "(everything)"
# The rates drawn side by side when nothing is compared, with the short words under each bar.
RATES = {"resolution-completion": "Completed", "refund-accuracy": "Refunds right",
         "supplier-recovery": "Recovered", "message-delivery": "Delivered",
         "sync-success": "Synced", "extension-take-up": "Extended", "trust-score": "Trust"}
# The list beside the figures shows this many records; the reports list every one.
SHOWN = 500
# The figure each compared value is drawn by.
COMPARED = "claim-volume"


def figure_text(figure: Figure) -> str:
    """A figure's value as a person reads it: money in the shop's currency, – for none."""
    v = figure.value
    if v is None:
        return "–"
    if figure.unit == MONEY:
        return money(int(v))
    if figure.unit == PERCENT:
        return f"{v:.1f}%"
    if figure.unit == DAYS:
        return f"{v:.1f} days"
    return str(v)


class DashboardScreen(Screen):
    """Where warranty cost and delay happen, at a glance, for the owner and managers."""

    title = "Dashboard"
    shortcut = "F8"
    permission = Permission.VIEW_REPORTS
    help_keys = (
        ("Arrows", "Pick a figure; its claims are listed beside it, and a comparison is drawn "
                   "by it"),
        ("Enter", "Open the claim picked in the list"),
        ("Ctrl+R", "Read the figures again"),
        ("Ctrl+Tab", "Figures or patterns; Enter on a pattern lists its claims"),
        ("Ctrl+P", "Print this view (every figure, as filtered and compared) or save it as PDF"),
        ("Ctrl+Shift+S", "Save this view as CSV for a spreadsheet"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.data: Dashboard | None = None
        # Every figure per compared value, read after the comparison's chart shows: the chart
        # then draws the figure picked in the grid for each value.
        self.groups: dict[str, tuple[Figure, ...]] = {}
        self.filters_read: dict[str, str] = {}  # the filters the figures shown were read with
        layout = self.page_layout()
        for row in self._controls():
            layout.addLayout(row)
        middle = QHBoxLayout()
        self.figures = QListWidget()
        self.figures.setObjectName("dashboardFigures")
        self.figures.setViewMode(QListView.ViewMode.IconMode)
        self.figures.setFlow(QListView.Flow.LeftToRight)
        self.figures.setWrapping(True)
        self.figures.setResizeMode(QListView.ResizeMode.Adjust)
        self.figures.setMovement(QListView.Movement.Static)
        self.figures.setGridSize(QSize(190, 50))
        self.figures.setWordWrap(True)
        middle.addWidget(self.figures, 3)
        side = QVBoxLayout()
        self.behind_title = Label("Pick a figure to list the claims behind it.")
        self.behind_title.setObjectName("subtle")
        self.behind_title.setWordWrap(True)
        self.behind = QListWidget()
        self.behind.setObjectName("dashboardBehind")
        side.addWidget(self.behind_title)
        side.addWidget(self.behind, 1)
        middle.addLayout(side, 1)
        layout.addLayout(middle, 2)
        self.charts = QHBoxLayout()
        self.chart_widgets: list[QWidget] = []
        layout.addLayout(self.charts, 3)
        self.definition = Label("")
        self.definition.setObjectName("subtle")
        self.definition.setWordWrap(True)
        layout.addWidget(self.definition)
        self.figures.currentRowChanged.connect(lambda _row: self._picked())
        self.behind.itemActivated.connect(self._open_claim)
        bind_key(self, "Ctrl+R", self.refresh)
        self.print_desk = PrintDesk(ctx, self)
        self.ask_csv_path: Callable[[], str] = self._ask_csv_path  # replaced in tests
        bind_key(self, "Ctrl+P", lambda: self._as_report(self.print_desk.print_report))
        bind_key(self, "Ctrl+Shift+S", lambda: self._as_report(
            lambda table: save_csv(self.ctx, table, self.ask_csv_path())))

    def _controls(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        """The range and comparison on one line, the filter on the next (fits 1024 px)."""
        row, second = QHBoxLayout(), QHBoxLayout()
        self.since, self.until = date_field(), date_field()
        self.by = QComboBox()
        self.by.setObjectName("dashboardBy")
        self.by.addItems([NOBODY, *DIMENSIONS])
        self.only_field = QComboBox()
        self.only_field.setObjectName("dashboardOnlyField")
        self.only_field.addItems([EVERYTHING, *DIMENSIONS])
        self.only_value = QLineEdit()
        self.only_value.setObjectName("dashboardOnlyValue")
        self.only_value.setPlaceholderText("value, e.g. Lumen")
        self.only_value.setMinimumWidth(140)
        self.reports_button = QPushButton("Reports (Shift+F8)")
        self.reports_button.setMinimumWidth(self.reports_button.sizeHint().width())
        for line, words, widget in ((row, "From", self.since), (row, "to", self.until),
                                    (row, "Compare by", self.by),
                                    (second, "Only", self.only_field)):
            line.addWidget(Label(words))
            line.addWidget(widget)
        row.addStretch(1)
        second.addWidget(self.only_value, 1)
        second.addWidget(self.reports_button)
        for field in (self.since, self.until):
            field.dateChanged.connect(lambda _d: self.refresh())
        self.by.currentIndexChanged.connect(lambda _n: self.refresh())
        self.only_field.currentIndexChanged.connect(lambda _n: self._filter_changed())
        self.only_value.editingFinished.connect(self._filter_changed)
        self.reports_button.clicked.connect(
            lambda: self.ctx.navigate.emit("ReportsScreen", None))
        return row, second

    def activated(self) -> None:
        today = self.ctx.today()
        for field, day in ((self.since, today - timedelta(days=90)), (self.until, today)):
            field.blockSignals(True)
            field.setDate(qdate(day))
            field.blockSignals(False)
        self.refresh()
        self.figures.setFocus()

    def clear_for_sign_out(self) -> None:
        self.data = None
        self.groups = {}
        self.figures.clear()
        self.behind.clear()
        self._set_charts([])

    def filters(self) -> dict[str, str]:
        """The filter a person set: one field and its value, or none."""
        field, value = self.only_field.currentText(), self.only_value.text().strip()
        return {} if field == EVERYTHING or not value else {field: value}

    def compared_by(self) -> str | None:
        field = self.by.currentText()
        return None if field == NOBODY else field

    def _filter_changed(self) -> None:
        if self.only_field.currentText() == EVERYTHING or self.only_value.text().strip():
            self.refresh()

    def refresh(self) -> None:
        """Read the figures off the GUI thread for the range, filter and comparison shown."""
        actor = self.ctx.require_actor()
        since, until = date_of(self.since), date_of(self.until)
        by, filters = self.compared_by(), self.filters()
        self.behind_title.setText("Working…")
        self.ctx.run(lambda: dashboard(self.ctx.db, actor, since=since, until=until, by=by,
                                       filters=filters),
                     lambda data: self.show_data(data, filters))

    def show_data(self, data: Dashboard, filters: dict[str, str] | None = None) -> None:
        """Show what was read: the figures, then the charts."""
        self.data = data
        self.groups = {}
        self.filters_read = dict(filters or {})
        keep = self.figures.currentRow()
        self.figures.blockSignals(True)
        self.figures.clear()
        for figure in data.figures:
            item = QListWidgetItem(f"{figure.title}\n{figure_text(figure)}")
            item.setData(Qt.ItemDataRole.UserRole, figure.key)
            item.setToolTip(figure.definition)
            item.setSizeHint(QSize(184, 46))
            self.figures.addItem(item)
        self.figures.blockSignals(False)
        self.figures.setCurrentRow(max(keep, 0))
        self._show_behind()
        self._draw(data)
        show_patterns(self, data, self.filters_read)  # after the figures, off the GUI thread
        if data.by:
            self._read_compared(data)

    def _read_compared(self, data: Dashboard) -> None:
        """Read every figure per compared value off the GUI thread, once the chart of claims
        opened per value shows (it takes several times as long as the dashboard itself)."""
        actor = self.ctx.require_actor()
        filters, by = self.filters_read, data.by
        if by is None:
            return

        def show(groups: dict[str, tuple[Figure, ...]]) -> None:
            if self.data is data:  # no other range, filter or comparison read since
                self.groups = groups
                self._redraw_compare(data)

        self.ctx.run(lambda: compared(self.ctx.db, actor, since=data.since, until=data.until,
                                      by=by, filters=filters), show)

    def _picked(self) -> None:
        """A figure picked: its claims listed, and the comparison drawn by it once read."""
        self._show_behind()
        if self.data is not None and self.groups:
            self._redraw_compare(self.data)

    def _ask_csv_path(self) -> str:
        return ask_csv_path(self, f"dashboard-{date_of(self.since)}-to-{date_of(self.until)}.csv")

    def _as_report(self, then: Callable[[ReportTable], None]) -> None:
        """This view as the registry's dashboard report (the CLI's `report dashboard` with the
        same range, filter and comparison), read off the GUI thread, then printed or saved."""
        actor = self.ctx.require_actor()
        since, until = date_of(self.since), date_of(self.until)
        by, filters = self.compared_by(), self.filters()
        self.ctx.run(lambda: report_registry.build(self.ctx.db, actor, "dashboard", since=since,
                                                   until=until, by=by, filters=filters), then)

    def figure(self) -> Figure | None:
        """The figure picked in the grid."""
        row = self.figures.currentRow()
        if self.data is None or not 0 <= row < len(self.data.figures):
            return None
        return self.data.figures[row]

    def _show_behind(self) -> None:
        self.behind.clear()
        figure = self.figure()
        if figure is None:
            return
        if figure.behind_later and self.data is not None:
            self._read_behind(figure, self.data)
            return
        self._list_behind(figure, figure.behind)

    def _read_behind(self, figure: Figure, data: Dashboard) -> None:
        """Read the records behind a figure now it is picked, off the GUI thread."""
        actor = self.ctx.require_actor()
        filters = self.filters_read
        kind = "claims" if figure.behind_kind == CLAIM else "warranties"
        self.behind_title.setText(f"{figure.title}: reading the {kind} behind it…")
        self.definition.setText(figure.definition)

        def show(codes: tuple[str, ...]) -> None:
            if self.data is data and self.figure() is figure:  # nothing else picked since
                self._list_behind(figure, codes)

        self.ctx.run(lambda: behind(self.ctx.db, actor, key=figure.key, since=data.since,
                                    until=data.until, filters=filters), show)

    def _list_behind(self, figure: Figure, records: tuple[str, ...]) -> None:
        self.behind.clear()
        kind = "claims" if figure.behind_kind == CLAIM else "warranties"
        more = (f" The first {SHOWN} are listed; Reports (Shift+F8) lists them all."
                if len(records) > SHOWN else "")
        self.behind_title.setText(
            f"{figure.title}: {len(records)} {kind} behind it"
            + (" (Enter opens one)." if records and figure.behind_kind == CLAIM else ".")
            + more)
        self.behind.addItems(list(records[:SHOWN]))
        self.definition.setText(figure.definition)

    def _open_claim(self, item: QListWidgetItem) -> None:
        figure = self.figure()
        if figure is not None and figure.behind_kind == CLAIM:
            self.ctx.navigate.emit("ClaimDetailScreen", item.text())

    def _set_charts(self, widgets: list[QWidget]) -> None:
        """Show these charts; those shown already stay as they are (new ones come last)."""
        for old in self.chart_widgets:
            if old in widgets:
                continue
            self.charts.removeWidget(old)
            old.hide()  # a widget taken out of a layout still paints until it is deleted
            old.setParent(None)
            old.deleteLater()
        for widget in widgets:
            if widget not in self.chart_widgets:
                self.charts.addWidget(widget, 1)
        self.chart_widgets = widgets

    def _redraw_compare(self, data: Dashboard) -> None:
        """The comparison drawn again, the other charts left as they are."""
        self._set_charts([*self.chart_widgets[:-1], self._compare_chart(data)])

    def _draw(self, data: Dashboard) -> None:
        dark = is_dark(self)
        weeks = [w.split("-")[1] for w in data.weeks]  # W48: the year is in the range above
        scale = 10 ** amount_decimals()
        widgets = [
            line_chart("Claims by week", weeks, [Series("Opened", tuple(map(float, data.opened))),
                                                 Series("Still open",
                                                        tuple(map(float, data.still_open)))],
                       dark=dark, name="chartWeeks"),
            bar_chart("Cost by kind", data.cost_kinds,
                      [Series("Cost", tuple(c / scale for c in data.cost))], dark=dark,
                      name="chartCost"),
        ]
        if data.by:
            widgets.append(self._compare_chart(data))
        else:
            widgets.append(bar_chart(
                "Rates (%)", list(RATES.values()),
                [Series("Per cent", tuple(_value(data.figures, k) for k in RATES))],
                dark=dark, name="chartRates"))
        self._set_charts(widgets)


    def _compare_chart(self, data: Dashboard) -> QWidget:
        """The comparison: claims opened per value until every figure per value is read, then
        the figure picked in the grid per value (money in the shop's currency units)."""
        dark = is_dark(self)
        picked = self.figure()
        if not self.groups or picked is None or picked.key == COMPARED:
            values = list(data.volumes)
            return bar_chart(f"Claims opened by {data.by}", values,
                             [Series("Claims opened",
                                     tuple(float(data.volumes[v]) for v in values))],
                             dark=dark, name="chartCompare")
        values = list(self.groups)
        per = 1 / 10 ** amount_decimals() if picked.unit == MONEY else 1.0
        return bar_chart(f"{picked.title} by {data.by}", values,
                         [Series(picked.title, tuple(_value(self.groups[v], picked.key) * per
                                                     for v in values))],
                         dark=dark, name="chartCompare")


def _value(found: tuple[Figure, ...], key: str) -> float:
    for figure in found:
        if figure.key == key:
            return float(figure.value or 0)
    return 0.0
