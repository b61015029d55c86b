"""The dashboard's bar charts write every label whole, even as small as a till draws them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QChartView
from PySide6.QtGui import QFontMetricsF

from ui.charts import LABEL_MARGIN, MOST_BARS, Series, bar_chart, values_of

KINDS = ("labour", "parts", "replacement", "refund", "shipping", "write-off")
RATES = ("Completed", "Refunds right", "Recovered", "Delivered", "Synced", "Extended", "Trust")


def _shown(qtbot: Any, labels: tuple[str, ...], width: int,
           values: tuple[float, ...] | None = None) -> QChartView:
    view = bar_chart("Cost by kind", labels,
                     [Series("Cost", values or tuple(float(n + 1) for n in range(len(labels))))],
                     dark=False)
    assert isinstance(view, QChartView)
    qtbot.addWidget(view)
    # As small as the dashboard may squeeze it: a third of a 1024 px screen's content.
    view.resize(width, view.minimumHeight())
    view.show()
    qtbot.waitExposed(view)
    return view


def _categories(view: QChartView) -> QBarCategoryAxis:
    return next(a for a in view.chart().axes() if isinstance(a, QBarCategoryAxis))


def test_every_label_has_room_beside_its_bar_at_a_tills_size(qtbot: Any) -> None:
    for labels in (KINDS, RATES):
        view = _shown(qtbot, labels, 300)
        plot = view.chart().plotArea()
        metrics = QFontMetricsF(_categories(view).labelsFont())
        widest = max(metrics.horizontalAdvance(label) for label in labels)
        # The labels sit left of the plot, one to a row: wide enough and tall enough, as
        # QtCharts writes "…" for a label that does not fit its share either way (it gave
        # "…" for all seven rates in rows of 20 px, and none of six kinds in rows of 23 px).
        assert plot.left() >= widest, (labels, plot, widest)
        row = plot.height() / len(labels)
        assert row >= metrics.height() + 2 * LABEL_MARGIN, (labels, plot, row)


def test_the_bars_are_read_top_down_in_the_order_given(qtbot: Any) -> None:
    view = _shown(qtbot, KINDS, 400)
    assert list(reversed(_categories(view).categories())) == list(KINDS)  # first on top
    assert values_of(view)["Cost"] == (1.0, 2.0, 3.0, 4.0, 5.0, 6.0)


def test_many_groups_keep_the_largest_in_their_order_and_say_so(qtbot: Any) -> None:
    labels = tuple(f"Brand {n:02d}" for n in range(12))
    values = tuple(float((n * 7) % 12) for n in range(12))  # each value once: 0 to 11
    view = _shown(qtbot, labels, 400, values)
    kept = [label for label, v in zip(labels, values, strict=True) if v >= 12 - MOST_BARS]
    assert list(reversed(_categories(view).categories())) == kept
    assert sorted(values_of(view)["Cost"]) == [float(v) for v in range(12 - MOST_BARS, 12)]
    assert view.chart().title().endswith(f"the largest {MOST_BARS} of 12")
