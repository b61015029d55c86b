"""Import files the command line must refuse: exit 2, plain words on stderr, nothing added."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.e2e.cli import run

HEADER = "invoice_number,sold_on,sku,quantity,unit_price,serials,customer_name\n"


def _warranties(home: Path) -> str:
    return run(home, "report", "warranties", "--json").stdout


def _a_sku(home: Path) -> str:
    """A SKU the demo shop sells that needs no serial, so a line of it imports without one."""
    rows = json.loads(_warranties(home))["warranties"]
    return next(r["sku"] for r in rows if not r["serial"])


def test_a_header_only_csv_exits_2_saying_it_has_no_data_rows(
        demo_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(HEADER, encoding="utf-8")
    before = _warranties(demo_home)
    done = run(demo_home, "import", "invoices", str(path))
    assert done.returncode == 2, done.stderr
    assert "no data rows" in done.stderr and "Traceback" not in done.stderr
    assert _warranties(demo_home) == before


def test_a_quantity_of_a_billion_on_a_dry_run_is_refused_in_seconds(
        demo_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "billion.csv"
    path.write_text(HEADER + f"Q-1,2026-11-20,{_a_sku(demo_home)},1e9,15.00,,\n"
                    f"Q-2,2026-11-20,{_a_sku(demo_home)},1000000000,15.00,,\n", encoding="utf-8")
    started = time.monotonic()
    done = run(demo_home, "import", "invoices", str(path), "--dry-run", "--json")
    took = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    problems = json.loads(done.stdout)["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(2, "quantity"), (3, "quantity")]
    assert "digits only" in problems[0]["reason"]
    assert "more than the 1,000" in problems[1]["reason"]
    # A new Python process and the shop's opening take about a second; the check itself none.
    assert took < 10, f"took {took:.1f} s"


def test_a_deeply_nested_json_file_exits_2_and_is_no_bug(demo_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    depth = 100_000
    path.write_text('{"format": "warranty-desk-invoices", "version": 1, "invoices": '
                    + "[" * depth + "]" * depth + "}", encoding="utf-8")
    done = run(demo_home, "import", "invoices", str(path))
    assert done.returncode == 2, done.stderr
    assert "nests lists and objects" in done.stderr
    assert "bug" not in done.stderr and "Traceback" not in done.stderr
