"""A misbehaving or absent portal: every event still arrives exactly once, each record in order."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest

from tests.liveportal.branch_view import BranchPortal
from tests.sync.chaos_proxy import Chaos
from tests.sync.engine_helpers import FakeTime, destination, engine, make_claims, outbox
from warranty_desk.services import sync_admin
from warranty_desk.storage.database import Database

WEEK = timedelta(days=7)


def _assert_exactly_once_in_order(db: Database, portal: BranchPortal) -> None:
    events = outbox(db)
    assert sorted(portal.event_ids()) == sorted(e[1] for e in events)
    # Every id was accepted once: the rest of the answers were duplicates of resent batches.
    assert portal.answers["accepted"] == len(events)
    by_record: dict[str, list[int]] = defaultdict(list)
    for event in portal.events.values():
        by_record[event["aggregate_id"]].append(event["seq"])
    assert all(seqs == sorted(seqs) for seqs in by_record.values())


@pytest.mark.slow
def test_a_thousand_claims_survive_errors_drops_timeouts_and_throttling(
    claims_db: Database, portal: BranchPortal
) -> None:
    portal.chaos = Chaos(error_500=0.30, drop_after_store=0.10, hang=0.10, too_many=0.05,
                         retry_after=17, hang_seconds=0.5)
    fake = FakeTime()
    report = engine(claims_db, destination(portal, batch_size=100, timeout=0.25),
                    fake=fake).drain()
    assert report.pending == 0 and not report.errors
    _assert_exactly_once_in_order(claims_db, portal)
    seen = {c.chaos for c in portal.calls}
    assert {"error_500", "drop_after_store", "hang", "too_many", ""} <= seen
    assert portal.answers["duplicate"] > 0  # dropped answers really were resent
    throttled = sum(1 for c in portal.calls if c.chaos == "too_many")
    assert sum(1 for s in fake.sleeps if s >= 17) >= throttled
    assert sync_admin.status(claims_db)[0].last_error is None


@pytest.mark.slow
def test_a_week_offline_then_everything_drains_in_order(
    shop: Database, portal: BranchPortal
) -> None:
    make_claims(shop, 5, serial_prefix="DAY0")
    portal.go_offline()
    fake = FakeTime()
    start = fake.now
    days_written: set[int] = set()

    def sleep(seconds: float) -> None:
        fake.sleep(seconds)
        day = (fake.now - start).days
        if day < 7 and day not in days_written:  # the counter keeps working every day
            days_written.add(day)
            make_claims(shop, 3, serial_prefix=f"DAY{day + 1}")
        if fake.now - start >= WEEK:
            portal.go_online()

    sync = engine(shop, destination(portal, batch_size=50), fake=fake)
    sync._sleep = sleep
    report = sync.drain()
    assert report.pending == 0 and not report.errors
    assert fake.now - start >= WEEK
    assert len(fake.sleeps) > 500  # it kept trying all week, never gave up
    assert max(fake.sleeps) <= 300  # and never waited longer than the cap
    _assert_exactly_once_in_order(shop, portal)
    status = sync_admin.status(shop)[0]
    assert status.last_error is None and status.last_success_at == fake.now
