"""Each chart series keeps its hue in the light and the dark theme, and stands out from either."""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import QBarSeries, QChartView, QHorizontalBarSeries, QLineSeries
from PySide6.QtGui import QColor

from ui.charts import SERIES_COLOURS, Series, bar_chart, line_chart

WEEKS = ("W1", "W2", "W3")
TWO = [Series("Opened", (1.0, 2.0, 3.0)), Series("Closed", (0.0, 1.0, 2.0))]


def _luminance(c: QColor) -> float:
    def part(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * part(c.redF()) + 0.7152 * part(c.greenF()) + 0.0722 * part(c.blueF())


def _contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _drawn(qtbot: Any, view: Any) -> tuple[list[QColor], QColor]:
    """The colours the shown chart draws its series in, and its background."""
    assert isinstance(view, QChartView)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    chart = view.chart()
    colours: list[QColor] = []
    for s in chart.series():
        if isinstance(s, QLineSeries):
            colours.append(s.pen().color())
        elif isinstance(s, (QBarSeries, QHorizontalBarSeries)):
            colours.extend(one.color() for one in s.barSets())
    return colours, chart.backgroundBrush().color()


def test_a_line_chart_draws_each_series_in_the_same_hue_in_both_themes(qtbot: Any) -> None:
    light, light_bg = _drawn(qtbot, line_chart("Claims by week", WEEKS, TWO, dark=False))
    dark, dark_bg = _drawn(qtbot, line_chart("Claims by week", WEEKS, TWO, dark=True))
    assert [c.name() for c in light] == [SERIES_COLOURS[n][0].lower() for n in range(2)]
    assert [c.name() for c in dark] == [SERIES_COLOURS[n][1].lower() for n in range(2)]
    for a, b in zip(light, dark, strict=True):
        gap = abs(a.hslHue() - b.hslHue())
        assert min(gap, 360 - gap) <= 25, (a.name(), b.name())
    assert all(_contrast(c, light_bg) >= 3.0 for c in light), light_bg.name()
    assert all(_contrast(c, dark_bg) >= 3.0 for c in dark), dark_bg.name()


def test_bars_use_the_same_colours_in_the_same_order(qtbot: Any) -> None:
    light, _ = _drawn(qtbot, bar_chart("Cost by kind", WEEKS, TWO, dark=False))
    dark, _ = _drawn(qtbot, bar_chart("Cost by kind", WEEKS, TWO, dark=True))
    assert [c.name() for c in light] == [SERIES_COLOURS[n][0].lower() for n in range(2)]
    assert [c.name() for c in dark] == [SERIES_COLOURS[n][1].lower() for n in range(2)]


def test_every_colour_pair_keeps_its_hue_and_its_contrast() -> None:
    light_bg, dark_bg = QColor("#ffffff"), QColor("#2e303a")  # Qt's light and dark chart grounds
    for on_light, on_dark in SERIES_COLOURS:
        a, b = QColor(on_light), QColor(on_dark)
        if a.hslSaturation() > 20:  # grey has no hue to keep
            gap = abs(a.hslHue() - b.hslHue())
            assert min(gap, 360 - gap) <= 25, (on_light, on_dark)
        assert _contrast(a, light_bg) >= 3.0, on_light
        assert _contrast(b, dark_bg) >= 3.0, on_dark
