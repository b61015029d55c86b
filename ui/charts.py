"""Every chart in the app, behind this one module: series in, widget out.

QtCharts draws them today; moving to Qt Graphs touches this file only. Colours follow the
theme: the chart reads whether the window it sits in is dark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QAbstractAxis,
    QAbstractSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True, slots=True)
class Series:
    """One named run of values, one per label."""

    name: str
    values: tuple[float, ...]


def is_dark(widget: QWidget) -> bool:
    """Whether the widget's theme is dark (its window colour is darker than mid-grey)."""
    return widget.palette().window().color().lightness() < 128


def _chart(title: str, dark: bool) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)  # redraws must be instant
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _view(chart: QChart, name: str) -> QChartView:
    view = QChartView(chart)
    view.setObjectName(name)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the figures
    view.setMinimumHeight(180)
    return view


def _small(axis: QAbstractAxis) -> None:
    """Axis labels a size smaller than the text, so a till's narrow chart keeps its words."""
    font = axis.labelsFont()
    font.setPointSizeF(max(font.pointSizeF() - 2, 7.0))
    axis.setLabelsFont(font)


def _axes(chart: QChart, x: QAbstractAxis, series: Sequence[Series],
          attach: Sequence[QAbstractSeries]) -> None:
    y = QValueAxis()
    top = max((v for s in series for v in s.values), default=0.0)
    y.setRange(0, max(top, 1.0))
    y.setTickCount(5)
    y.applyNiceNumbers()  # ticks on round numbers, so a count of 5 reads as 5
    y.setLabelFormat("%g")
    for axis in (x, y):
        _small(axis)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for s in attach:
        s.attachAxis(x)
        s.attachAxis(y)


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, dark: bool,
              name: str = "barChart") -> QWidget:
    """Bars per label, one bar per series."""
    chart = _chart(title, dark)
    bars = QBarSeries()
    for s in series:
        one = QBarSet(s.name)
        one.append(list(s.values))
        bars.append(one)
    chart.addSeries(bars)
    x = QBarCategoryAxis()
    x.append(list(labels))
    if len(labels) > 4:  # slanted, so each label keeps its words under a narrow bar
        x.setLabelsAngle(-30)
    _axes(chart, x, series, [bars])
    chart.legend().setVisible(len(series) > 1)
    return _view(chart, name)


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, dark: bool,
               name: str = "lineChart", marks: int = 6) -> QWidget:
    """A line per series across the labels (weeks); a few labels are written under it, evenly
    spaced, so a long range stays readable."""
    chart = _chart(title, dark)
    lines: list[QAbstractSeries] = []
    for s in series:
        line = QLineSeries()
        line.setName(s.name)
        for n, v in enumerate(s.values):
            line.append(n, v)
        chart.addSeries(line)
        lines.append(line)
    x = QCategoryAxis()
    x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    last = max(len(labels) - 1, 1)
    x.setRange(0, last)
    step = max(1, -(-len(labels) // marks))
    for n in range(0, len(labels), step):
        x.append(labels[n], n)
    _axes(chart, x, series, lines)
    return _view(chart, name)


def values_of(widget: QWidget) -> dict[str, tuple[float, ...]]:
    """What a chart made here draws, per series name (for tests and screen readers)."""
    found: dict[str, tuple[float, ...]] = {}
    if not isinstance(widget, QChartView):
        return found
    for s in widget.chart().series():
        if isinstance(s, QBarSeries):
            for one in s.barSets():
                found[one.label()] = tuple(one.at(n) for n in range(one.count()))
        elif isinstance(s, QLineSeries):
            found[s.name()] = tuple(p.y() for p in s.points())
    return found
