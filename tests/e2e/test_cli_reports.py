"""Management reports from the command line: JSON, CSV and a PDF with its table and chart."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import sqlite_file
from tests.e2e.cli import run
from tests.printing import pdf_tools


def test_claims_by_brand_as_json_adds_up_to_the_claims_in_the_database(
        demo_home: Path) -> None:
    done = run(demo_home, "report", "claims-by-brand", "--since", "2020-01-01", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    with sqlite_file(demo_home / "warranty-desk.sqlite3") as conn:
        claims = conn.execute("SELECT count(*) FROM claims WHERE product_id IS NOT NULL"
                              ).fetchone()[0]
    assert sum(row[1] for row in report["rows"]) == claims
    assert report["columns"][:2] == ["Brand", "Claims"]


def test_open_claims_as_csv_has_one_row_per_open_state(demo_home: Path) -> None:
    done = run(demo_home, "report", "open-claims", "--csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["State", "Claims", "Oldest (days)", "Past promised date"]
    assert {r[0] for r in rows[1:]} <= {"Received", "Reviewing", "Inspecting", "Repairing",
                                        "At manufacturer"}


def test_a_report_as_pdf_carries_the_table_in_the_shops_money(
        demo_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "brands.pdf"
    done = run(demo_home, "report", "claims-by-brand", "--since", "2020-01-01", "--pdf",
               str(out))
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    text = pdf_tools.text(data)
    assert "Claims by brand" in text and "Cost per claim" in text
    report = json.loads(run(demo_home, "report", "claims-by-brand", "--since", "2020-01-01",
                            "--json").stdout)
    for row in report["rows"]:
        assert row[0] in text
    assert "£" in text  # the demo shop is a UK shop: its books are in pounds
    pages = pdf_tools.render(data, "claims-by-brand")
    assert pages and pages[0].stat().st_size > 10_000  # the table and chart drew something


def test_the_register_is_refused_as_pdf_with_what_to_do_instead(
        demo_home: Path, tmp_path: Path) -> None:
    done = run(demo_home, "report", "warranties", "--pdf", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert "use --csv" in done.stderr


def test_the_claim_reports_run_by_name_and_add_up_to_the_claims_in_the_database(
        demo_home: Path, tmp_path: Path) -> None:
    done = run(demo_home, "report", "resolution-completion", "--since", "2020-01-01", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    with sqlite_file(demo_home / "warranty-desk.sqlite3") as conn:
        claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
        refunds = conn.execute("SELECT count(*), sum(refund_minor) FROM claims "
                               "WHERE outcome = 'refund'").fetchone()
    assert report["rows"][-1][0] == "All" and report["rows"][-1][1] == claims
    done = run(demo_home, "report", "refund-accuracy", "--since", "2020-01-01", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert sum(row[1] for row in report["rows"]) == refunds[0]
    assert report["money_columns"] == [2]
    assert sum(float(row[2]) for row in report["rows"]) * 100 == refunds[1]
    out = tmp_path / "refunds.pdf"
    done = run(demo_home, "report", "refund-accuracy", "--since", "2020-01-01", "--pdf",
               str(out))
    assert done.returncode == 0, done.stderr
    assert "Refund accuracy" in pdf_tools.text(out.read_bytes())
