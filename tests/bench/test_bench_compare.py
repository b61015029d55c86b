"""The bench's comparison with the previous results.json, on hand-written results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.bench import compare, harness


def _case(name: str, median: float, floor: float | None, p95: float | None = None
          ) -> dict[str, Any]:
    return {"name": name, "measured": {"median_ms": median, "p95_ms": p95 or median * 1.5,
                                       "runs": 50},
            "floor": None if floor is None else {"median_ms": floor, "p95_ms": floor,
                                                 "runs": 50}}


def _run(*cases: dict[str, Any], scale: str = "full") -> dict[str, Any]:
    return {"scale": scale, "measured_at": "2026-12-01T10:00:00+0000", "results": list(cases)}


WAS = _run(_case("lookup", 1.0, 0.5), _case("slower", 2.0, 1.0), _case("busier", 2.0, 1.0),
           _case("no floor", 10.0, None), _case("dropped", 3.0, 1.0))
NOW = _run(_case("lookup", 1.05, 0.5, p95=1.6), _case("slower", 3.0, 1.0),
           _case("busier", 4.0, 2.0), _case("no floor", 12.0, None), _case("added", 1.0, 1.0))


def _row(name: str) -> tuple[str, ...]:
    return next(r for r in compare.rows(NOW["results"], WAS["results"]) if r[0] == name)


def test_each_case_shows_the_previous_median_p95_and_ratio_beside_the_new_with_the_change() -> None:
    assert _row("lookup") == ("lookup", "1.00", "1.05", "+5%", "1.50", "1.60", "2.00x", "2.10x",
                              "ok")


def test_a_ratio_to_the_floor_worse_by_more_than_the_threshold_is_called_a_regression() -> None:
    assert _row("slower")[-1] == "REGRESSION: ratio to floor +50% (over 10%)"
    assert compare.regressions(NOW, WAS) == ["slower", "no floor"]


def test_a_slower_time_with_an_equally_slower_floor_is_a_busier_machine_not_a_regression() -> None:
    assert _row("busier")[3] == "+100%" and _row("busier")[-1] == "ok"


def test_a_case_without_a_floor_is_judged_on_its_median() -> None:
    assert _row("no floor")[-1] == "REGRESSION: median +20% (over 10%)"


def test_a_new_case_and_a_gone_case_are_said_so() -> None:
    assert _row("added")[-1] == "new: not in the previous run"
    assert _row("dropped")[-1] == "gone: not measured now"
    assert _row("dropped")[1] == "3.00" and _row("dropped")[2] == "–"


def test_the_report_says_what_it_compares_the_threshold_and_a_change_of_scale() -> None:
    text = compare.report(_run(_case("lookup", 1.0, 0.5), scale="tiny"), WAS)
    assert "2026-12-01T10:00:00+0000" in text and "more than 10% worse" in text
    assert "previous run was at scale full, this one at tiny" in text


def test_a_missing_or_unreadable_previous_file_is_said_in_words(tmp_path: Path) -> None:
    data, why = compare.previous(tmp_path / "results.json")
    assert data is None and "No previous results" in why
    (tmp_path / "results.json").write_text("{not json", encoding="utf-8")
    data, why = compare.previous(tmp_path / "results.json")
    assert data is None and "could not be read" in why and "replaces them" in why
    (tmp_path / "results.json").write_text(json.dumps(WAS), encoding="utf-8")
    assert compare.previous(tmp_path / "results.json") == (WAS, "")


def test_p99_needs_a_hundred_runs_and_is_shown_as_a_dash_below() -> None:
    few = harness.stats([float(n) for n in range(1, harness.P99_MIN_RUNS)])
    assert few.p99_ms is None and harness.ms(few.p99_ms) == "–"
    many = harness.stats([float(n) for n in range(1, 201)])
    assert (many.median_ms, many.p95_ms, many.p99_ms, many.runs) == (100.5, 190.0, 198.0, 200)


def _without_p99(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_p99(v) for k, v in value.items() if k != "p99_ms"}
    return value


def test_the_portal_table_carries_p99_and_its_previous_results_beside_the_new(
        tmp_path: Path) -> None:
    from tests.bench import portal_report

    committed = Path(portal_report.__file__).with_name("portal_results.json")
    # A file written before p99 was kept: the committed results with every p99 taken out,
    # so the test does not depend on which version of the bench wrote the committed file.
    was = _without_p99(json.loads(committed.read_text(encoding="utf-8")))
    old = tmp_path / "old_results.json"
    old.write_text(json.dumps(was), encoding="utf-8")
    data = portal_report.load(old)
    assert "p99 – ms" in portal_report.table(data)  # an old file without p99 still loads
    data["search_serial_ms"] = harness.stats([float(n) for n in range(1, 201)])
    out = tmp_path / "portal_results.json"
    portal_report.write(out, data)
    assert "p99 198.0 ms" in portal_report.table(portal_report.load(out))
    now = json.loads(out.read_text(encoding="utf-8"))
    assert now["search_serial_ms"]["p99_ms"] == 198.0
    text = compare.report(now, was, compare.portal_cases)
    serial = next(line for line in text.splitlines()
                  if line.startswith("find a serial across branches"))
    assert f"{was['search_serial_ms']['median_ms']:.2f}" in serial and "100.50" in serial
    assert "REGRESSION: ratio to floor" in serial
    assert {"until all are projected", "store every event over HTTP", "claim page",
            "my products (/me/) (customers)"} <= {row[0] for row in compare.rows(
                compare.portal_cases(now), compare.portal_cases(was))}
