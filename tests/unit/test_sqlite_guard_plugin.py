"""tests/sqlite_guard.py fails a test that leaves an sqlite3 connection open, and only such."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_TESTS = '''
import sqlite3
import pytest
from tests.conftest import pinned_clock
from warranty_desk.storage.database import Database
from warranty_desk.services import setup
from warranty_desk.storage.home import Home


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("shop") / "home")
    db, _ = setup.init(home, clock=pinned_clock())
    db.dispose()  # its engine comes back on first use, in a test
    yield db
    db.dispose()


def test_left_open(tmp_path):
    sqlite3.connect(tmp_path / "a.sqlite3").execute("SELECT 1")


def test_closed(tmp_path):
    conn = sqlite3.connect(tmp_path / "a.sqlite3")
    conn.close()


def test_database_never_disposed(tmp_path):
    db, _ = setup.init(Home(tmp_path / "home"), clock=pinned_clock())
    with db.read() as session:
        session.execute(__import__("sqlalchemy").text("SELECT 1"))


def test_module_shop_used(shop):
    with shop.read() as session:
        session.execute(__import__("sqlalchemy").text("SELECT 1"))
'''


def test_the_guard_fails_only_the_tests_that_leave_a_connection_open(tmp_path: Path) -> None:
    (tmp_path / "test_leaks.py").write_text(_TESTS, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.sqlite_guard",
         "-p", "no:xdist", "--rootdir", str(tmp_path), "-rE", str(tmp_path / "test_leaks.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    out = done.stdout
    errors = {line.split("::")[-1].split()[0] for line in out.splitlines()
              if line.startswith("ERROR ")}
    assert errors == {"test_left_open", "test_database_never_disposed"}, out[-3000:]
    assert "left 1 sqlite3 connection(s) open" in out and "test_leaks.py:" in out
