"""`warranty-desk report patterns` on the demo shop: the patterns its claims make, worked out
here from the database file, in JSON, CSV and PDF, with the tests used said beneath."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import sqlite_file
from tests.e2e.cli import run
from tests.printing import pdf_tools

PERIOD = ("--from", "2020-01-01", "--to", "2030-12-31")


def test_the_patterns_report_lists_what_the_claims_make(demo_home: Path, tmp_path: Path) -> None:
    done = run(demo_home, "report", "patterns", *PERIOD, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    with sqlite_file(demo_home / "warranty-desk.sqlite3") as conn:
        serials = {s: sorted(n.split(",")) for s, n in conn.execute(
            "SELECT serial, group_concat(number) FROM claims WHERE trim(serial) != '' "
            "GROUP BY serial HAVING count(*) >= 2")}
        customers = {name: sorted(n.split(",")) for name, n in conn.execute(
            "SELECT cu.name, group_concat(c.number) FROM claims c JOIN customers cu "
            "ON cu.id = c.customer_id GROUP BY cu.id HAVING count(*) >= 3")}
    rows = report["rows"]
    assert {r[1]: r[4].split() for r in rows if r[0] == "Serial claimed again"} == serials
    assert {r[1]: r[4].split() for r in rows if r[0] == "Customer claiming often"} == customers
    assert serials and customers  # the demo's story has a unit claimed three times
    assert any("one-sided exact Poisson test" in note for note in report["notes"])
    table = list(csv.reader(io.StringIO(run(demo_home, "report", "patterns", *PERIOD,
                                            "--csv").stdout)))
    assert table[0] == report["columns"] and len(table) > len(rows)
    pdf = tmp_path / "patterns.pdf"
    done = run(demo_home, "report", "patterns", *PERIOD, "--pdf", str(pdf))
    assert done.returncode == 0, done.stderr
    assert "Patterns highlighted" in pdf_tools.text(pdf.read_bytes())


def test_the_patterns_report_cannot_be_compared(demo_home: Path) -> None:
    done = run(demo_home, "report", "patterns", "--by", "brand")
    assert done.returncode == 2 and "cannot compare or filter" in done.stderr
