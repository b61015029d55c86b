"""Bar charts for management reports: vertical for a few short labels, horizontal otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from printing.pdf.fit import shorten
from printing.pdf.style import ACCENT, BOLD, INK, MUTED, REGULAR, RULE
from printing.pdf.text import safe


@dataclass(frozen=True, slots=True)
class ReportChart:
    """A bar chart shown with a report's table: one bar per label."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str = ""  # e.g. "claims", "days", "€"


_FONT = 7.0
_BAR = 15.0  # height per bar in the horizontal chart
_MAX_VERTICAL = 12  # more bars than this read better lying down
MAX_BARS = 40  # beyond this a chart is unreadable: the table has the rest


def _number(value: float, locale: str) -> str:
    try:
        return safe(format_decimal(round(value, 2), locale=Locale.parse(locale)))
    except (ValueError, UnknownLocaleError):
        return f"{value:,.2f}".rstrip("0").rstrip(".")


def bar_chart(chart: ReportChart, width: float, locale: str, max_height: float) -> Drawing:
    """The chart as a Drawing `width` wide; its height follows from the number of bars but
    stays under max_height (a drawing cannot split across pages)."""
    count = min(len(chart.labels), len(chart.values))
    labels = [safe(x) for x in chart.labels[:min(count, MAX_BARS)]]
    values = [float(v) for v in chart.values[:len(labels)]]
    title = f"{chart.title} ({chart.unit})" if chart.unit else chart.title
    if count > MAX_BARS:
        title += f" \u2014 first {MAX_BARS} of {count}"
    # Long names are shortened: a label must not run off the page or squash the bars.
    labels = [shorten(x, REGULAR, _FONT, min(width * 0.4, 150)) for x in labels]
    widest = max((stringWidth(x, REGULAR, _FONT) for x in labels), default=0.0)
    vertical = len(labels) <= _MAX_VERTICAL and widest <= (width - 50) / max(len(labels), 1) * 1.8
    plot = VerticalBarChart() if vertical else HorizontalBarChart()
    font = _FONT
    if vertical:
        tilt = widest > (width - 50) / max(len(labels), 1) * 0.9
        height = 190.0 + (widest * 0.5 if tilt else 0.0)
        plot.x, plot.y = 42, 28 + (widest * 0.5 if tilt else 0.0)
        plot.width, plot.height = width - 50, 130
        if tilt:  # long names slant so neighbours do not collide
            plot.categoryAxis.labels.angle = 30
            plot.categoryAxis.labels.boxAnchor = "ne"
        plot.barLabels.boxAnchor = "s"
        plot.barLabels.dy = 2
        plot.groupSpacing = 8  # relative to barWidth 10: bars fill a little over half a slot
    else:
        left = min(widest + 10, width * 0.4)
        bar = min(_BAR, (max_height - 46) / max(len(labels), 1))
        height = 46.0 + bar * len(labels)
        font = min(_FONT, bar * 0.8)  # thin bars get small labels rather than overlapping ones
        plot.x, plot.y = left, 24
        plot.width, plot.height = width - left - 40, bar * len(labels)
        plot.barLabels.boxAnchor = "w"
        plot.barLabels.dx = 3
        labels, values = labels[::-1], values[::-1]  # first label at the top
    plot.data = [values or [0.0]]
    plot.categoryAxis.categoryNames = labels or [""]
    plot.categoryAxis.labels.fontName = REGULAR
    plot.categoryAxis.labels.fontSize = font
    plot.categoryAxis.strokeColor = RULE
    plot.valueAxis.valueMin = 0
    plot.valueAxis.labels.fontName = REGULAR
    plot.valueAxis.labels.fontSize = _FONT
    plot.valueAxis.labels.fillColor = MUTED
    plot.valueAxis.labelTextFormat = lambda v: _number(v, locale)
    plot.valueAxis.strokeColor = RULE
    plot.valueAxis.visibleGrid = 1
    plot.valueAxis.gridStrokeColor = RULE
    plot.valueAxis.gridStrokeWidth = 0.4
    plot.bars[0].fillColor = ACCENT
    plot.bars[0].strokeColor = None
    plot.barLabelFormat = lambda v: _number(v, locale)
    plot.barLabels.fontName = REGULAR
    plot.barLabels.fontSize = font
    plot.barLabels.fillColor = INK
    drawing = Drawing(width, height)
    drawing.add(plot)
    drawing.add(String(0, height - 12, safe(title), fontName=BOLD, fontSize=10, fillColor=INK))
    return drawing
