"""The till's own sync client pushes to the real portal: each event stored once, in order."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection

from portal.projections.models import Claim
from portal.receiver.models import Event
from sync.contract import Event as TillEvent
from sync.outbox_reader import read_after
from tests.portal.support import LivePortal, RegisteredBranch, register
from tests.portal.till import destination, push_all, till
from tests.sync.engine_helpers import outbox


def _stored(branch: RegisteredBranch) -> list[Event]:
    return list(Event.objects.filter(branch_id=branch.pk).order_by("received_no"))


def test_a_till_pushes_its_outbox_and_the_portal_stores_each_event_once_in_order(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    _, db = till(tmp_path, branch, claims=12)
    sent = outbox(db)
    # Small batches: many requests, as after a long time offline.
    assert push_all(db, live_portal, branch, batch_size=7) == len(sent)
    stored = _stored(branch)
    assert sorted(str(e.id) for e in stored) == sorted(uid for _, uid, _, _ in sent)
    assert sorted(e.seq for e in stored) == [seq for seq, _, _, _ in sent]
    # Each record's events arrive, and are numbered, in the till's seq order.
    by_record: dict[str, list[int]] = defaultdict(list)
    for event in stored:
        by_record[event.aggregate_id].append(event.seq)
    assert all(seqs == sorted(seqs) for seqs in by_record.values())
    assert {e.topic for e in stored} >= {"warranty.activated", "claim.opened", "claim.decided"}


def test_the_same_batch_sent_again_is_answered_duplicate_and_stored_once(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    _, db = till(tmp_path, branch, claims=3)
    events = read_after(db, 0, 500)
    first = destination(live_portal, branch).send(events)
    again = destination(live_portal, branch).send(events)
    assert [o.status for o in first] == ["accepted"] * len(events)
    assert [o.status for o in again] == ["duplicate"] * len(events)
    assert len(_stored(branch)) == len(events)


def test_the_receiver_only_stores_and_enqueues_one_projection_job_per_branch(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    _, db = till(tmp_path, branch, claims=4)
    push_all(db, live_portal, branch, batch_size=5)
    assert _stored(branch)
    assert not Claim.objects.filter(branch_id=branch.pk).exists()  # nothing projected yet
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, status, args::text FROM procrastinate_jobs "
                       "WHERE lock = %s", [f"project-branch-{branch.pk}"])
        jobs = cursor.fetchall()
    # Several pushes, one waiting job: it reads everything stored before it starts.
    assert [(name, status, json.loads(args)) for name, status, args in jobs] == [
        ("portal.projections.project_branch", "todo", {"branch_id": branch.pk})]


def _event(event_id: uuid.UUID, seq: int = 1) -> TillEvent:
    return TillEvent(seq=seq, id=str(event_id), topic="customer.updated", aggregate="customer",
                     aggregate_id="C-1", occurred_at=datetime(2026, 11, 22, 9, tzinfo=UTC),
                     payload={"reference": "C-1", "name": "Ada", "phone": "", "email": "",
                              "segment": "retail", "retention_follow_up": False})


def _v7(when: datetime) -> uuid.UUID:
    millis = int(when.timestamp() * 1000)
    return uuid.UUID(int=(millis << 80) | (0x7 << 76) | (0b10 << 62) | 12345)


def test_events_land_in_the_partition_of_their_ids_month_made_on_demand(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    march = _v7(datetime(2025, 3, 14, 12, tzinfo=UTC))
    [outcome] = destination(live_portal, branch).send([_event(march)])
    assert outcome.status == "accepted"
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM receiver_event WHERE id = %s",
                       [march])
        assert cursor.fetchone() == ("receiver_event_y2025m03",)
        cursor.execute("SELECT count(*) FROM pg_inherits "
                       "WHERE inhparent = 'receiver_event'::regclass")
        row = cursor.fetchone()
        assert row is not None and row[0] >= 2  # this month's (earlier tests) and March 2025


def test_an_id_that_is_not_a_uuid7_or_from_a_broken_clock_is_refused_with_its_reason(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    outcomes = destination(live_portal, branch).send([
        _event(uuid.uuid4(), 1), _event(_v7(datetime(2090, 1, 1, tzinfo=UTC)), 2)])
    assert [o.status for o in outcomes] == ["rejected", "rejected"]
    assert "is not a UUIDv7" in outcomes[0].reason
    assert "2090-01-01" in outcomes[1].reason and "date and time" in outcomes[1].reason
    assert not _stored(branch)


def test_an_event_id_another_branch_sent_is_refused_not_called_a_duplicate(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    other = register()
    shared = _v7(datetime(2026, 11, 20, tzinfo=UTC))
    assert destination(live_portal, other).send([_event(shared)])[0].status == "accepted"
    [outcome] = destination(live_portal, branch).send([_event(shared)])
    assert outcome.status == "rejected"
    assert "already sent by another branch" in outcome.reason
    assert not _stored(branch)
