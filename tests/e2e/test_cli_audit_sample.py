"""The audit sample commands end to end: a manager draws October's sample on the demo shop,
shows it, reviews its claims; a second draw and other roles are refused in words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import sqlite_file
from tests.e2e.cli import TODAY, run
from tests.printing import pdf_tools

NOTE = '<i>Refund</i> & "label" — 退款 prüfen'


def _as(home: Path, pin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "warranty_desk", "--home", str(home), "--today", TODAY, *args],
        input=pin + "\n", capture_output=True, text=True, timeout=120, check=False)


def _closed_in_october(home: Path) -> list[str]:
    with sqlite_file(home / "warranty-desk.sqlite3") as conn:
        return sorted(n for (n,) in conn.execute(
            "SELECT number FROM claims WHERE closed_at >= '2026-09-30 23:00' "
            "AND closed_at < '2026-10-31 24:00'"))


def test_a_manager_draws_shows_and_reviews_the_sample_and_others_may_not(
    demo_home: Path,
) -> None:
    refused = _as(demo_home, "1111", "audit-sample", "draw", "--month", "2026-10",
                  "--staff", "Sam Sales")
    assert refused.returncode == 1 and "may not draw and review" in refused.stderr
    drawn = _as(demo_home, "5555", "audit-sample", "draw", "--month", "2026-10", "--size", "2",
                "--seed", "42", "--staff", "Maria Manager", "--json")
    assert drawn.returncode == 0, drawn.stderr
    sample = json.loads(drawn.stdout)
    numbers = [c["number"] for c in sample["claims"]]
    assert (sample["month"], sample["seed"], sample["drawn_by"], len(numbers)) == (
        "2026-10", 42, "Maria Manager", 2)
    assert set(numbers) <= set(_closed_in_october(demo_home))
    again = _as(demo_home, "7777", "audit-sample", "draw", "--month", "2026-10",
                "--staff", "Olive Owner")
    assert again.returncode == 2
    assert ("The sample of October 2026 was drawn already, on 2026-11-22 at 12:00 by Maria "
            "Manager (2 claims, seed 42).") in again.stderr
    flagged = _as(demo_home, "5555", "audit-sample", "review", numbers[0], "--finding",
                  "needs-follow-up", "--note", NOTE, "--staff", "Maria Manager")
    assert flagged.returncode == 0, flagged.stderr
    assert flagged.stdout.strip() == f"Claim {numbers[0]} reviewed: Needs follow-up. Note " \
                                     f"kept: {NOTE}"
    bare = _as(demo_home, "5555", "audit-sample", "review", numbers[1], "--finding",
               "needs-follow-up", "--staff", "Maria Manager")
    assert bare.returncode == 2 and "Write what needs following up" in bare.stderr
    shown = run(demo_home, "audit-sample", "show", "--month", "2026-10")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Audit sample of October 2026: 2 of the 3 claims closed in "
                                   "October 2026, drawn with seed 42; 1 reviewed.")
    assert f"Needs follow-up, by Maria Manager on 2026-11-22 12:00: {NOTE}" in shown.stdout
    assert shown.stdout.rstrip().endswith("over the claims closed in the month now: the same "
                                          "claims.")
    as_json = json.loads(run(demo_home, "audit-sample", "show", "--month", "2026-10",
                             "--json").stdout)
    assert as_json["drawn_again_same"] is True
    assert [c["finding"] for c in as_json["claims"]] == ["needs_follow_up", None]
    report = json.loads(run(demo_home, "report", "audit-sample", "--from", "2026-10-01",
                            "--to", "2026-10-31", "--json").stdout)
    assert report["rows"] == [["2026-10", "2026-11-22 12:00", "Maria Manager", 42, 3, 2, 1, 0,
                               1]]
    pdf = demo_home.parent / "audit-sample.pdf"
    printed = run(demo_home, "report", "audit-sample", "--from", "2026-10-01", "--pdf", str(pdf))
    assert printed.returncode == 0, printed.stderr
    words = " ".join(pdf_tools.text(pdf.read_bytes()).split())
    assert "Monthly audit sample" in words and "退款 prüfen" in words
    none = run(demo_home, "audit-sample", "show", "--month", "2026-09")
    assert none.returncode == 1 and "No sample of September 2026 has been drawn" in none.stderr
    audit = run(demo_home, "audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr
