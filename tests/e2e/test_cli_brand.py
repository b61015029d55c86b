"""Brand claims from the command line on the demo shop: the claim sent to the manufacturer is
in a brand claim, a service centre's file moves it (or is refused whole), its packet is
written, and the recovery reports read it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import sqlite_file
from tests.e2e.cli import TODAY, run
from tests.printing import pdf_tools


def _as(home: Path, pin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A command a person answers for, with their PIN piped in."""
    return subprocess.run(
        [sys.executable, "-m", "warranty_desk", "--home", str(home), "--today", TODAY, *args],
        input=f"{pin}\n", capture_output=True, text=True, timeout=120, check=False)


def _brand_claim(home: Path) -> tuple[str, str]:
    done = run(home, "brand", "list", "--json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["brand_claims"]
    return row["number"], row["supplier"]


def test_the_demo_claim_at_the_manufacturer_is_in_a_brand_claim(demo_home: Path) -> None:
    number, supplier = _brand_claim(demo_home)
    with sqlite_file(demo_home / "warranty-desk.sqlite3") as conn:
        (state,) = conn.execute(
            "SELECT c.state FROM claims c JOIN brand_claim_items i ON i.claim_id = c.id "
            "JOIN brand_claims b ON b.id = i.brand_claim_id WHERE b.number = ?",
            (number,)).fetchone()
    assert state == "at_manufacturer" and supplier.endswith("UK Distribution")


def test_the_demo_brand_claim_expects_to_recover_its_covered_costs(demo_home: Path) -> None:
    # The story's claim at the manufacturer carries bench labour the supplier pays back, not
    # only the courier (which the default terms do not cover): the demo shows a real amount.
    done = run(demo_home, "brand", "list", "--json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["brand_claims"]
    with sqlite_file(demo_home / "warranty-desk.sqlite3") as conn:
        (covered,) = conn.execute(
            "SELECT coalesce(sum(p.amount_minor), 0) FROM cost_postings p "
            "JOIN brand_claim_items i ON i.claim_id = p.claim_id "
            "JOIN brand_claims b ON b.id = i.brand_claim_id "
            "WHERE b.number = ? AND p.recoverable AND p.kind IN ('parts', 'labour')",
            (row["number"],)).fetchone()
    assert covered > 0
    assert row["expected_major"] == f"{covered // 100}.{covered % 100:02d}"


def test_a_status_file_with_a_bad_row_changes_nothing_and_lists_the_row(
    demo_home: Path, tmp_path: Path
) -> None:
    number, _ = _brand_claim(demo_home)
    bad = tmp_path / "centre.csv"
    bad.write_text(f"Brand claim,Status\n{number},in_repair\nNOPE-1,paid\n", encoding="utf-8")
    done = run(demo_home, "brand", "import-status", str(bad), "--json")
    assert done.returncode == 2
    problems = json.loads(done.stdout)["problems"]
    assert problems == [{"row": 3, "column": "Brand claim",
                         "reason": "No brand claim NOPE-1 at this shop. Check the reference."}]
    assert "Nothing was imported from centre.csv" in done.stderr
    good = tmp_path / "centre-good.csv"
    good.write_text(f"Brand claim,Status,Note\n{number},in_repair,On the bench\n",
                    encoding="utf-8")
    done = run(demo_home, "brand", "import-status", str(good))
    assert done.returncode == 0, done.stderr
    assert "1 statuses changed on 1 brand claims" in done.stdout
    shown = json.loads(run(demo_home, "brand", "show", number, "--json").stdout)
    assert shown["status"] == "in_repair"
    assert [(u["source"], u["entered_by"]) for u in shown["updates"]] == [
        ("csv", "command line")]


def test_the_storekeeper_types_a_status_and_a_technician_is_refused(demo_home: Path) -> None:
    number, _ = _brand_claim(demo_home)
    done = _as(demo_home, "3333", "brand", "status", number, "approved", "--staff",
               "Tariq Tech")
    assert done.returncode == 1 and "may not enter a brand's status" in done.stderr
    done = _as(demo_home, "2222", "brand", "status", number, "approved", "--staff",
               "Kim Store", "--note", "Phoned the centre")
    assert done.returncode == 0, done.stderr
    assert "(approved)" in done.stdout.splitlines()[0]


def test_the_packet_is_written_as_pdf_and_csv(demo_home: Path, tmp_path: Path) -> None:
    number, _ = _brand_claim(demo_home)
    pdf, sheet = tmp_path / "packet.pdf", tmp_path / "packet.csv"
    done = run(demo_home, "brand", "packet", number, "--pdf", str(pdf), "--csv", str(sheet))
    assert done.returncode == 0, done.stderr
    assert number in pdf_tools.text(pdf.read_bytes())
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    assert len(rows) == 2 and rows[1].count(number) == 1
    # The PDF is a print job like the screen's Ctrl+P (the queue can print it again); the
    # CSV for the brand's portal is a file, not a print.
    with sqlite_file(demo_home / "warranty-desk.sqlite3") as conn:
        jobs = conn.execute("SELECT document, subject, state, target FROM print_jobs WHERE "
                            "document = 'brand_packet'").fetchall()
    assert jobs == [("brand_packet", number, "printed", str(pdf))], jobs
    assert f"Saved the brand packet for {number} to {pdf}." in done.stdout, done.stdout


def test_the_recovery_reports_run_from_the_command_line(demo_home: Path) -> None:
    _, supplier = _brand_claim(demo_home)
    done = run(demo_home, "report", "supplier-recovery", "--since", "2020-01-01", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [row[0] for row in report["rows"]] == [supplier]
    done = run(demo_home, "report", "stale-brand-claims", "--csv")
    assert done.returncode == 0, done.stderr
    assert next(csv.reader(io.StringIO(done.stdout)))[0] == "Brand claim"
    done = run(demo_home, "report", "replacement-time", "--since", "2020-01-01", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["columns"][0] == "Brand"
