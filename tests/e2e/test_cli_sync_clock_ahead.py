"""A till whose computer clock runs a year ahead still gets every event taken by head office.

The till's records carry its one clock (here the tests' pinned day), and so do its event ids:
head office refuses an id dated more than a year past its own clock, so an id made from the
machine clock would park the whole outbox. The till runs under libfaketime, the portal does not.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import sqlite_file
from tests.e2e.cli import TODAY
from tests.e2e.test_cli_sync import configure, file_secrets, outbox_count
from tests.liveportal.branch_view import BranchPortal

pytestmark = pytest.mark.slow

__all__ = ["file_secrets"]  # the keyring fixture, used by every test here

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


def run_a_year_ahead(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """warranty-desk on the tests' pinned day, on a computer whose clock is a year ahead."""
    env = {**os.environ, "LD_PRELOAD": str(LIBFAKETIME), "FAKETIME": "+365d"}
    return subprocess.run(
        [sys.executable, "-m", "warranty_desk", "--home", str(home), "--today", TODAY, *args],
        capture_output=True, text=True, timeout=300, check=False, env=env)


def id_times(home: Path) -> list[datetime]:
    """When each outbox event id says it was made."""
    with sqlite_file(home / "warranty-desk.sqlite3") as conn:
        ids = [bytes(row[0]) for row in conn.execute("SELECT id FROM outbox_events")]
    return [datetime.fromtimestamp((uuid.UUID(bytes=key).int >> 80) / 1000, UTC) for key in ids]


@pytest.fixture(scope="module")
def shop_a_year_ahead(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo shop, set up on a computer whose clock is a year ahead."""
    if not LIBFAKETIME.exists():
        pytest.fail(f"libfaketime is missing ({LIBFAKETIME}): apt-get install faketime")
    home = tmp_path_factory.mktemp("ahead") / "home"
    done = run_a_year_ahead(home, "init", "--demo")
    assert done.returncode == 0, done.stderr
    return home


def test_the_machine_clock_a_year_ahead_the_portal_takes_every_event(
    shop_a_year_ahead: Path, tmp_path: Path, portal: BranchPortal
) -> None:
    home = tmp_path / "home"
    shutil.copytree(shop_a_year_ahead, home)
    configure(home, portal)
    done = run_a_year_ahead(home, "sync", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    body = json.loads(done.stdout)
    assert body["complete"] is True and body["problems"] == [] and body["waiting"] == 0
    [pushed] = body["pushed"]["destinations"]
    assert pushed["delivered"] == len(portal.event_ids()) == outbox_count(home) > 0
    day_after = datetime.fromisoformat(TODAY).replace(tzinfo=UTC) + timedelta(days=1)
    assert max(id_times(home)) < day_after, "event ids carry the till's clock, not the machine's"
