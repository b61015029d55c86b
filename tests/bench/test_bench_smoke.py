"""The benchmark code itself works: a tiny run writes every budget with its floor and ratio.

This is not a timing check (timings belong to `make bench`); it proves the cases run the real
code paths and that results.json carries what the closing notes quote.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.bench import run


def test_a_tiny_bench_run_reports_every_budget_beside_its_floor(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    assert run.main(["--scale", "tiny", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["scale"] == "tiny"
    assert data["database"]["warranties"] > 0 and data["database"]["bytes"] > 0
    assert any(n.startswith("claims board") for n in [r["name"] for r in data["results"]])
    assert any(n.startswith("dashboard opens") for n in [r["name"] for r in data["results"]])
    assert any(n.startswith("dashboard redraws") for n in [r["name"] for r in data["results"]])
    assert data["machine"]["cores"] >= 1 and data["machine"]["sqlite"]
    names = [r["name"] for r in data["results"]]
    assert any("slip" in n and "58 mm" in n for n in names)
    assert any("certificate" in n for n in names)
    assert "activate a warranty and render its slip" in names
    assert {"lookup by serial with its full verdict", "lookup by invoice with its full verdict",
            "lookup by phone with its full verdict"} <= set(names)
    assert any(n.startswith("import ") and "invoice lines" in n for n in names)
    assert any("push" in n for n in names)
    assert {"scan to result card on screen", "cold start: first window on screen",
            "cold start: ready for a scan"} <= set(names)
    for result in data["results"]:
        assert result["measured"]["runs"] >= 1
        assert result["measured"]["median_ms"] > 0
        assert result["floor"]["median_ms"] > 0
        assert result["ratio"] == round(result["measured"]["median_ms"]
                                        / result["floor"]["median_ms"], 2)
        assert isinstance(result["passed"], bool)
        words = result["budget"].split()
        if len(words) == 3 and words[2] == "ms":  # a plain time budget: the verdict follows
            assert result["passed"] == (result["measured"]["median_ms"] <= float(words[1]))
