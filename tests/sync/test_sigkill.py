"""A sync process killed with SIGKILL mid-batch loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import defaultdict

import pytest

from tests.liveportal.branch_view import BranchPortal
from tests.sync.engine_helpers import destination, engine, outbox
from warranty_desk.storage.database import Database

# The worker as the app runs it, in its own process; the token comes in the environment
# because a command line is visible to every user of the machine.
WORKER = """
import os, sys
from pathlib import Path
from sync.engine import SyncEngine
from sync.http import HttpClient
from sync.portal import PortalDestination
from warranty_desk.clock import SystemClock
from warranty_desk.storage.database import Database

client = HttpClient(sys.argv[2], lambda: os.environ["PORTAL_TOKEN"])
portal = PortalDestination(client, "BR01", batch_size=int(sys.argv[3]))
SyncEngine(Database(Path(sys.argv[1]), clock=SystemClock()), [portal]).drain()
"""


def _kill_after(db: Database, portal: BranchPortal, stored: int) -> None:
    portal.proxy.hold_from = stored
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(db.path), portal.url, "200"],
        env={**os.environ, "PORTAL_TOKEN": portal.token})
    try:
        assert portal.proxy.holding.wait(60)
        assert len(portal.event_ids()) >= stored
        # The portal has just stored a batch and its answer is held back: kill the worker
        # between the portal's store and the worker's commit of its cursor.
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait(timeout=10)
        portal.proxy.release()
    # Released at once: the next round's wait cannot see this round's hold.
    assert not portal.proxy.holding.is_set()
    assert worker.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_a_worker_killed_between_send_and_commit_resends_and_the_portal_dedupes(
    claims_db: Database, portal: BranchPortal
) -> None:
    events = outbox(claims_db)
    cut_batches = []
    for stored in (1000, 3000):
        _kill_after(claims_db, portal, stored)
        cut_batches.append(portal.batches[-1])
    report = engine(claims_db, destination(portal)).drain()
    assert report.pending == 0 and not report.errors
    assert sorted(portal.event_ids()) == sorted(e[1] for e in events)
    assert portal.answers["accepted"] == len(events)
    # The batches in flight at each kill were stored but never committed: sent again, and
    # answered "duplicate" the second time.
    later = {(i, s) for batch in portal.batches for i, s in batch}
    for batch in cut_batches:
        assert all(status == "accepted" for _, status in batch)
        assert all((event_id, "duplicate") in later for event_id, _ in batch)
    by_record: dict[str, list[int]] = defaultdict(list)
    for event in portal.events.values():
        by_record[event["aggregate_id"]].append(event["seq"])
    assert all(seqs == sorted(seqs) for seqs in by_record.values())
