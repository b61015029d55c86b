"""The next batch planned and made ready while one is on the wire: the same batches, the same
bytes, the same ledger as planning it after the answer, and dropped whenever it could differ."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

import pytest
from sqlalchemy import select

from sync import engine as engine_module
from sync import outbox_reader
from sync.contract import Event, Outcome
from sync.http import HttpClient
from sync.portal import PortalDestination, _wire, batch_body
from tests.sync.engine_helpers import engine
from tests.sync.test_push_overlap import _events, _receiver
from warranty_desk.models import SyncCursor, SyncDelivered, SyncParked
from warranty_desk.services import outbox as emitter
from warranty_desk.storage.database import Database


class _Answering:
    """Answers each event by its record: some refused, some stored before; notes each batch."""

    name = "crm"

    def __init__(self, batch_size: int, refuse: set[str], duplicate: set[str],
                 topics: frozenset[str] | None = None) -> None:
        self.batch_size = batch_size
        self.refuse, self.duplicate, self.topics = refuse, duplicate, topics
        self.batches: list[list[int]] = []

    def wants(self, topic: str) -> bool:
        return self.topics is None or topic in self.topics

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        self.batches.append([e.seq for e in events])
        return [Outcome(e.id, "rejected", "no", "bad") if e.aggregate_id in self.refuse
                else Outcome(e.id, "duplicate" if e.aggregate_id in self.duplicate
                             else "accepted") for e in events]


def _outbox(db: Database) -> None:
    # Records with several events in a row, two topics, and records refused or re-sent.
    with db.write() as session:
        for n in range(60):
            record = f"CU-{(n // 2) % 13}"
            topic = "customer.updated" if n % 7 else "customer.erased"
            emitter.emit(session, topic, "customer", record, {"n": n})


def _ledger(db: Database) -> tuple[Any, ...]:
    with db.read() as session:
        return (session.scalars(select(SyncCursor.delivered_seq)).all(),
                session.execute(select(SyncParked.event_seq, SyncParked.kind,
                                       SyncParked.state).order_by(SyncParked.event_seq)).all(),
                session.scalars(select(SyncDelivered.event_seq)
                                .order_by(SyncDelivered.event_seq)).all())


@pytest.mark.parametrize(("refuse", "topics"), [
    (set(), None), ({"CU-3"}, None), ({"CU-3", "CU-8"}, frozenset({"customer.updated"})),
])
def test_batches_planned_ahead_are_the_batches_planned_after_each_answer(
        db: Database, refuse: set[str], topics: frozenset[str] | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    planned: list[int] = []
    plan_ahead = engine_module._plan_ahead
    monkeypatch.setattr(engine_module, "_plan_ahead",
                        lambda *a: (planned.append(1), plan_ahead(*a))[1])
    _outbox(db)
    pushes = []
    for ahead in (True, False):
        with db.write() as session:
            for table in (SyncCursor, SyncParked, SyncDelivered):
                session.query(table).delete()
        dest = _Answering(4, refuse, {"CU-5"}, topics)
        planned.clear()
        # A `waits` that holds nothing back plans every batch after its answer, as before.
        report = engine(db, dest, **({} if ahead else {"waits": lambda d, e: False})
                        ).push_once().destinations[0]
        pushes.append((dest.batches, report, _ledger(db)))
        assert bool(planned) is ahead
    assert pushes[0] == pushes[1]
    assert pushes[0][0]  # something was sent


class _Counting(PortalDestination):
    """The portal destination, counting the batches it had ready."""

    used = 0

    def prepare_batch(self, events: Sequence[Event]) -> None:
        self.used += 1
        super().prepare_batch(events)


def test_the_engine_makes_each_next_batch_ready_and_the_bodies_are_those_made_on_the_spot(
        db: Database) -> None:
    with db.write() as session:
        for n in range(9):
            emitter.emit(session, "customer.updated", "customer", f"CU-{n}", {"n": n})
    with _receiver() as (url, bodies):
        dest = _Counting(HttpClient(url, lambda: "token-123456"), "BR01", batch_size=3)
        dest.marks = lambda: {"epoch": len(bodies)}  # read as each batch goes
        report = engine(db, dest).push_once().destinations[0]
    assert report.delivered == 9 and report.stored == 9 and not report.error
    assert dest.used >= 2
    sent = [json.loads(body) for body in bodies]
    assert [[e["aggregate_id"] for e in b["events"]] for b in sent] == [
        ["CU-0", "CU-1", "CU-2"], ["CU-3", "CU-4", "CU-5"], ["CU-6", "CU-7", "CU-8"]]
    assert [b["epoch"] for b in sent] == [0, 1, 2]
    # Each body is byte for byte what the destination builds for those events on the spot.
    stored = {e.seq: e for e in outbox_reader.read_after(db, 0, 100)}
    assert bodies == [batch_body([_wire(stored[e["seq"]]) for e in b["events"]],
                                 {"epoch": b["epoch"]}) for b in sent]


def test_a_batch_made_ready_goes_only_for_that_very_list(monkeypatch: Any) -> None:
    events = _events(3)
    with _receiver() as (url, bodies):
        portal = PortalDestination(HttpClient(url, lambda: "token-123456"), "BR01")
        portal.prepare_batch(events)
        # An equal list, not the one made ready: encoded on the spot from its own objects.
        later = [Event(e.seq, e.id, e.topic, e.aggregate, e.aggregate_id, e.occurred_at,
                       payload_json='{"erased":true}') for e in events]
        assert [o.status for o in portal.send(later)] == ["accepted"] * 3
        assert portal._ready is None  # dropped by that send
        portal.prepare_batch(events)
        outcomes = portal.send(events)
    assert json.loads(bodies[0])["events"][0]["payload"] == {"erased": True}
    assert json.loads(bodies[1])["events"][0]["payload"] == events[0].payload
    assert outcomes == [Outcome(e.id, "accepted") for e in events]


@pytest.mark.parametrize("answer", [
    lambda ids: [{"id": i, "status": "accepted"} for i in ids],
    lambda ids: [{"id": i, "status": "duplicate" if n == 1 else "accepted"}
                 for n, i in enumerate(ids)],
    lambda ids: [{"id": i, "status": "accepted"} for i in reversed(ids)],
    lambda ids: [{"id": i, "status": "rejected", "reason": "bad", "code": "x"} if n == 2
                 else {"id": i, "status": "accepted"} for n, i in enumerate(ids)],
])
def test_an_answer_to_a_batch_made_ready_reads_as_one_to_a_batch_made_on_the_spot(
        answer: Any) -> None:
    events = _events(3)

    class Answer:
        status_code = 200
        headers: ClassVar[dict[str, str]] = {"Content-Type": "application/json"}

        def json(self) -> Any:
            return {"results": answer([e.id for e in events])}

    portal = PortalDestination(HttpClient("http://127.0.0.1:9", lambda: "t"), "BR01")
    portal.prepare_batch(events)
    ready = portal._ready
    assert ready is not None
    spot = portal._outcomes(events, Answer())  # type: ignore[arg-type]
    made = portal._outcomes(events, Answer(), ready)  # type: ignore[arg-type]
    assert made == spot
    assert [o.event_id for o in made] == [e.id for e in events]
