"""The metric reports from the command line: the names come from the one registry, each
exports to JSON, CSV and PDF, compared by a field and filtered."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import sqlite_file
from tests.e2e.cli import run
from tests.printing import pdf_tools
from warranty_desk.services.report_registry import REPORTS

PERIOD = ("--from", "2020-01-01", "--to", "2030-12-31")


def test_report_list_names_every_report_in_the_registry(demo_home: Path) -> None:
    done = run(demo_home, "report", "list")
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert names == ["warranties", *REPORTS]
    done = run(demo_home, "report", "nonsense")
    assert done.returncode == 2 and "There is no report 'nonsense'" in done.stderr


def test_claim_cost_by_brand_as_json_csv_and_pdf_agree_with_the_database(
        demo_home: Path, tmp_path: Path) -> None:
    done = run(demo_home, "report", "dashboard", *PERIOD, "--by", "brand", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    with sqlite_file(demo_home / "warranty-desk.sqlite3") as conn:
        per_brand = dict(conn.execute(
            "SELECT b.name, count(*) FROM claims c JOIN products p ON p.id = c.product_id "
            "JOIN brands b ON b.id = p.brand_id GROUP BY b.name").fetchall())
    assert {row[0]: row[3] for row in report["rows"] if row[1] == "Claims opened"} == per_brand
    assert report["columns"][:4] == ["Brand", "Figure", "Amount", "Value"]
    table = list(csv.reader(io.StringIO(run(demo_home, "report", "dashboard", *PERIOD, "--by",
                                            "brand", "--csv").stdout)))
    assert table[0] == report["columns"]
    cost = list(csv.reader(io.StringIO(run(demo_home, "report", "claim-cost", *PERIOD, "--by",
                                           "brand", "--csv").stdout)))
    assert cost[0][:2] == ["Brand", "Cost per claim"]
    assert ["Group", "Figure", "Records", "Behind it"] in cost  # the claims behind each figure
    out = tmp_path / "cost.pdf"
    done = run(demo_home, "report", "claim-cost", *PERIOD, "--by", "brand", "--pdf", str(out))
    assert done.returncode == 0, done.stderr
    text = pdf_tools.text(out.read_bytes())
    assert "Claim cost" in text and all(brand in text for brand in per_brand)


def test_a_filter_without_a_value_is_refused_in_words(demo_home: Path) -> None:
    done = run(demo_home, "report", "warranty-sales", "--only", "brand")
    assert done.returncode == 2
    assert "--only 'brand' needs a field and a value, e.g. --only brand=Lumen." in done.stderr
    done = run(demo_home, "report", "open-claims", "--by", "brand")
    assert done.returncode == 2 and "cannot compare or filter" in done.stderr
