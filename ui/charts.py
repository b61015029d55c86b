"""Every chart in the app, behind this one module: series in, widget out.

QtCharts draws them today; moving to Qt Graphs touches this file only. Colours follow the
theme: the chart reads whether the window it sits in is dark, and each series keeps its hue in
both themes (Qt's own light and dark themes gave "Opened" blue in one and green in the other).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QAbstractAxis,
    QAbstractBarSeries,
    QAbstractSeries,
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import QWidget

# A bar chart shows at most this many labels (the largest): more would not be read.
MOST_BARS = 8
# A bar chart's title, value axis and margins, in pixels, besides its rows.
BAR_CHROME = 64
# The room QtCharts keeps above and below an axis label, in pixels (measured: 10 px labels
# were cut to "…" in rows of 19.8 px and written whole in rows of 21.9 px).
LABEL_MARGIN = 5
# The nth series' colour, (on light, on dark): the same hue in both themes, so "Opened" is
# blue whichever theme a manager reads it in. Hues from the Okabe-Ito set, which readers with
# the common colour-vision deficiencies tell apart; each shade stands 3:1 or more against its
# theme's chart background (WCAG's contrast for graphics).
SERIES_COLOURS = (
    ("#0067A5", "#56B4E9"),  # blue
    ("#B35200", "#F0A030"),  # orange
    ("#007A5A", "#2FC99A"),  # green
    ("#A3447A", "#E38CC0"),  # purple
    ("#6B6B6B", "#B8B8B8"),  # grey
)


@dataclass(frozen=True, slots=True)
class Series:
    """One named run of values, one per label."""

    name: str
    values: tuple[float, ...]


def is_dark(widget: QWidget) -> bool:
    """Whether the widget's theme is dark (its window colour is darker than mid-grey)."""
    return widget.palette().window().color().lightness() < 128


def series_colour(n: int, *, dark: bool) -> QColor:
    """The nth series' colour in the given theme (the set repeats past its end)."""
    return QColor(SERIES_COLOURS[n % len(SERIES_COLOURS)][1 if dark else 0])


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


def _value_axis(series: Sequence[Series]) -> QValueAxis:
    axis = QValueAxis()
    top = max((v for s in series for v in s.values), default=0.0)
    axis.setRange(0, max(top, 1.0))
    axis.setTickCount(5)
    axis.applyNiceNumbers()  # ticks on round numbers, so a count of 5 reads as 5
    axis.setLabelFormat("%g")
    return axis


def _axes(chart: QChart, across: QAbstractAxis, up: QAbstractAxis,
          attach: Sequence[QAbstractSeries]) -> None:
    for axis in (across, up):
        _small(axis)
    chart.addAxis(across, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(up, Qt.AlignmentFlag.AlignLeft)
    for s in attach:
        s.attachAxis(across)
        s.attachAxis(up)


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, dark: bool,
              name: str = "barChart") -> QWidget:
    """Bars per label, one bar per series, drawn across: each label is written whole on its
    own line at the left, where upright bars under a till's narrow chart cut it to "repl…".
    More than MOST_BARS labels keep the largest of the first series, in their order."""
    if len(labels) > MOST_BARS:
        first = series[0].values
        kept = sorted(sorted(range(len(labels)), key=lambda n: -first[n])[:MOST_BARS])
        title = f"{title}: the largest {MOST_BARS} of {len(labels)}"
        labels = [labels[n] for n in kept]
        series = [Series(s.name, tuple(s.values[n] for n in kept)) for s in series]
    chart = _chart(title, dark)
    bars = QHorizontalBarSeries()
    for n, s in enumerate(series):
        one = QBarSet(s.name)
        one.setColor(series_colour(n, dark=dark))
        one.setBorderColor(series_colour(n, dark=dark))
        # The first label on top, as it is read; Qt draws the first category at the bottom.
        one.append(list(reversed(s.values)))
        bars.append(one)
    chart.addSeries(bars)
    categories = QBarCategoryAxis()
    categories.append(list(reversed(labels)))
    _axes(chart, _value_axis(series), categories, [bars])
    chart.legend().setVisible(len(series) > 1)
    view = _view(chart, name)
    # QtCharts writes "…" for every label once a row is shorter than a label's text box (a
    # line and its margin above and below): each row gets that and a pixel.
    line = QFontMetricsF(categories.labelsFont()).height()
    rows = len(labels) * (line + 2 * LABEL_MARGIN + 1)
    view.setMinimumHeight(max(view.minimumHeight(), int(BAR_CHROME + rows)))
    return view


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, dark: bool,
               name: str = "lineChart", marks: int = 6) -> QWidget:
    """A line per series across the labels (weeks); a few labels are written under it, evenly
    spaced, so a long range stays readable."""
    chart = _chart(title, dark)
    lines: list[QAbstractSeries] = []
    for n, s in enumerate(series):
        line = QLineSeries()
        line.setName(s.name)
        pen = line.pen()
        pen.setColor(series_colour(n, dark=dark))
        pen.setWidthF(2.0)
        line.setPen(pen)
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
    _axes(chart, x, _value_axis(series), lines)
    return _view(chart, name)


def values_of(widget: QWidget) -> dict[str, tuple[float, ...]]:
    """What a chart made here draws, per series name (for tests and screen readers)."""
    found: dict[str, tuple[float, ...]] = {}
    if not isinstance(widget, QChartView):
        return found
    for s in widget.chart().series():
        if isinstance(s, QHorizontalBarSeries):  # drawn bottom up: read back top down
            for one in s.barSets():
                found[one.label()] = tuple(one.at(n) for n in reversed(range(one.count())))
        elif isinstance(s, QAbstractBarSeries):
            for one in s.barSets():
                found[one.label()] = tuple(one.at(n) for n in range(one.count()))
        elif isinstance(s, QLineSeries):
            found[s.name()] = tuple(p.y() for p in s.points())
    return found
