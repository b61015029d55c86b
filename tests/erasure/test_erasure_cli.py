"""`warranty-desk customer erase` as a person runs it: a real process, the PIN piped in."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.cli import TODAY, run
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.erasure import pseudonym

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("erase-demo") / "home"
    done = run(home, "init", "--demo")
    assert done.returncode == 0, done.stderr
    return home


def _as(home: Path, pin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "warranty_desk", "--home", str(home), "--today", TODAY, *args],
        input=pin + "\n", capture_output=True, text=True, timeout=120, check=False)


def _customer(home: Path, *, with_open_claim: bool) -> tuple[str, str, str]:
    """A demo customer with (or without) an open claim: reference, name, email."""
    marks = ",".join("?" * len(OPEN_STATES))
    test = "EXISTS" if with_open_claim else "NOT EXISTS"
    conn = sqlite3.connect(home / "warranty-desk.sqlite3")
    try:
        row = conn.execute(
            f"SELECT reference, name, email FROM customers c WHERE email <> '' AND {test} "
            f"(SELECT 1 FROM claims WHERE customer_id = c.id AND state IN ({marks})) "
            "AND (SELECT count(*) FROM customers d WHERE d.name = c.name) = 1 "
            "ORDER BY reference LIMIT 1", OPEN_STATES).fetchone()
    finally:
        conn.close()
    assert row is not None
    return str(row[0]), str(row[1]), str(row[2])


def test_a_manager_erases_a_customer_and_the_chain_still_verifies(demo_home: Path) -> None:
    reference, name, email = _customer(demo_home, with_open_claim=False)
    done = _as(demo_home, "5555", "customer", "erase", reference, "--reason",
               "Asked by email on 3 December", "--staff", "Maria Manager", "--json")
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert said["pseudonym"] == pseudonym(reference) and said["compacted"] is True
    raw = (demo_home / "warranty-desk.sqlite3").read_bytes()
    assert name.encode() not in raw and email.encode() not in raw
    verified = run(demo_home, "audit", "verify", "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["ok"] is True


def test_sales_staff_may_not_erase_and_an_open_claim_stops_a_manager(demo_home: Path) -> None:
    reference, name, _email = _customer(demo_home, with_open_claim=True)
    sales = _as(demo_home, "1111", "customer", "erase", reference, "--reason", "Asked by email",
                "--staff", "Sam Sales")
    assert sales.returncode != 0 and "erase a customer's personal data" in sales.stderr
    manager = _as(demo_home, "5555", "customer", "erase", reference, "--reason",
                  "Asked by email", "--staff", "Maria Manager")
    assert manager.returncode == 2
    assert "still has open claim" in manager.stderr and "Nothing was erased" in manager.stderr
    assert name.encode() in (demo_home / "warranty-desk.sqlite3").read_bytes()
