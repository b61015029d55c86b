"""The claim and warranty commands end to end: a real process, a person's PIN on stdin."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.e2e.cli import TODAY


def _as(home: Path, pin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """warranty-desk with a PIN piped in, as a script or a careful person would."""
    return subprocess.run(
        [sys.executable, "-m", "warranty_desk", "--home", str(home), "--today", TODAY, *args],
        input=pin + "\n", capture_output=True, text=True, timeout=120, check=False)


def _one(home: Path, query: str, *args: object) -> tuple[object, ...]:
    conn = sqlite3.connect(home / "warranty-desk.sqlite3")
    try:
        row = conn.execute(query, args).fetchone()
        assert row is not None
        return tuple(row)
    finally:
        conn.close()


def test_a_manager_voids_a_warranty_and_sales_staff_may_not(demo_home: Path) -> None:
    (code,) = _one(demo_home, "SELECT code FROM warranties WHERE status = 'active' "
                              "ORDER BY code DESC LIMIT 1")
    refused = _as(demo_home, "1111", "warranty", "void", str(code), "--reason", "Returned",
                  "--staff", "Sam Sales")
    assert refused.returncode == 1
    assert "may not void warranties" in refused.stderr
    wrong = _as(demo_home, "0000", "warranty", "void", str(code), "--reason", "Returned",
                "--staff", "Maria Manager")
    assert wrong.returncode == 2 and "Wrong PIN for Maria Manager" in wrong.stderr
    assert _one(demo_home, "SELECT status FROM warranties WHERE code = ?", code) == ("active",)
    done = _as(demo_home, "5555", "warranty", "void", str(code), "--reason",
               "Sale returned for a credit note", "--staff", "Maria Manager", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"code": code, "status": "void",
                                       "reason": "Sale returned for a credit note"}
    assert _one(demo_home, "SELECT status, void_reason FROM warranties WHERE code = ?",
                code) == ("void", "Sale returned for a credit note")
    assert _one(demo_home, "SELECT actor_name FROM audit_entries WHERE action = "
                           "'warranty.void' ORDER BY seq DESC LIMIT 1") == ("Maria Manager",)


def test_support_accepts_a_proof_and_a_technician_records_findings(demo_home: Path) -> None:
    (number,) = _one(demo_home, "SELECT number FROM claims WHERE proof_status = 'unverified'")
    done = _as(demo_home, "4444", "claim", "verify-proof", str(number), "--accept", "--note",
               "Marketplace invoice: date and serial match", "--staff", "Sue Support", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["proof_status"] == "verified"
    noted = _as(demo_home, "3333", "claim", "note", str(number), "Charging port corroded",
                "--staff", "Tariq Tech")
    assert noted.returncode == 0, noted.stderr
    assert noted.stdout.strip() == f"Findings recorded on claim {number}."
    refused = _as(demo_home, "1111", "claim", "note", str(number), "Looks fine",
                  "--staff", "Sam Sales")
    assert refused.returncode == 1 and "may not record findings" in refused.stderr


def test_a_manager_reopens_a_rejected_claim(demo_home: Path) -> None:
    (number,) = _one(demo_home, """
        SELECT c.number FROM claims c WHERE c.state = 'rejected' AND NOT EXISTS (
          SELECT 1 FROM claims o WHERE o.warranty_id = c.warranty_id AND o.id != c.id)
        ORDER BY c.number""")
    done = _as(demo_home, "5555", "claim", "reopen", str(number), "--reason",
               "The customer brought an independent report", "--staff", "Maria Manager",
               "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["state"] == "reviewing"
    again = _as(demo_home, "5555", "claim", "reopen", str(number), "--reason",
                "Twice is once too often", "--staff", "Maria Manager")
    assert again.returncode == 1 and "still open" in again.stderr


def test_no_pin_changes_nothing_and_says_how_to_give_one(demo_home: Path) -> None:
    (number,) = _one(demo_home, "SELECT number FROM claims WHERE state = 'inspecting'")
    done = _as(demo_home, "", "claim", "note", str(number), "Fan noise", "--staff",
               "Tariq Tech")
    assert done.returncode == 2
    assert "No PIN was given for Tariq Tech" in done.stderr
