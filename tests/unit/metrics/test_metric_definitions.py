"""Every figure's definition is its metric function's docstring, written out in the README."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from warranty_desk.rules.metrics.rows import MetricRows
from warranty_desk.services.metric_figures import figures

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_defines_every_figure_in_the_words_of_its_function() -> None:
    day = date(2026, 12, 1)
    empty = MetricRows(ZoneInfo("UTC"), day, day, datetime(2026, 12, 1, tzinfo=UTC),
                       datetime(2026, 12, 2, tzinfo=UTC), (), (), (), (), (), ())
    text = README.read_text(encoding="utf-8")
    found = figures(empty)
    assert len(found) == 22
    for figure in found:
        name = figure.definition.split(":")[0]
        assert figure.definition.count(".") >= 1 and ":" in figure.definition, figure.key
        assert f"- {figure.definition}\n" in text, f"README lacks the definition of {name}"
