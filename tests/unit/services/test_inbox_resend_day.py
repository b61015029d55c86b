"""resend_day inbox items: the day's delivered events are marked to go to head office again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from tests.conftest import TODAY
from tests.unit.services.helpers import sell
from warranty_desk.models import AuditEntry, OutboxEvent, SyncCursor, SyncParked
from warranty_desk.services import inbox
from warranty_desk.services.inbox import InboxItemInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore


def _seqs(db: Database) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(OutboxEvent.seq).order_by(OutboxEvent.seq)))


def _deliver_up_to(db: Database, seq: int) -> None:
    with db.write() as session:
        session.add(SyncCursor(destination="portal", delivered_seq=seq))


def _apply(db: Database, tmp_path: Path, item_id: str, payload: object) -> inbox.AppliedResult:
    return inbox.apply_item(db, InboxItemInput(item_id, "resend_day", payload),
                            documents=DocumentStore(tmp_path / "docs"), fetch_document=None)


def test_the_days_delivered_events_are_marked_and_the_rest_left_alone(
    shop: Database, tmp_path: Path,
) -> None:
    db = shop
    sell(db, "INV-1", serials=("SN-1",))
    sell(db, "INV-2", serials=("SN-2",))
    seqs = _seqs(db)
    delivered, later = seqs[:-1], seqs[-1]
    _deliver_up_to(db, delivered[-1])
    with db.write() as session:  # refused by head office: waits for a person, not resent
        first = session.get_one(OutboxEvent, seqs[0])
        session.add(SyncParked(destination="portal", event_seq=first.seq,
                               aggregate=first.aggregate, aggregate_id=first.aggregate_id,
                               kind="rejected", reason="refused", state="parked"))
    result = _apply(db, tmp_path, "resend-1", {"day": TODAY.isoformat(), "reason": "gap"})
    assert result.status == "applied"
    assert result.result == (f"{len(delivered) - 1} events of {TODAY} will be sent to head "
                             "office again; 1 already wait in the sync panel; 1 had not been "
                             "sent yet and go as usual")
    with db.read() as session:
        marks = {p.event_seq: p for p in session.scalars(select(SyncParked))}
        assert sorted(s for s, p in marks.items() if p.kind == "resend") == delivered[1:]
        assert {p.state for p in marks.values() if p.kind == "resend"} == {"retry"}
        assert marks[seqs[0]].state == "parked" and later not in marks
        assert "Head office asked for this day again: gap" in marks[delivered[1]].reason
        assert session.scalars(select(AuditEntry.action)
                               .order_by(AuditEntry.seq.desc())).first() == "sync.resend_day"
    # The same item again changes nothing.
    assert _apply(db, tmp_path, "resend-1", {"day": TODAY.isoformat()}).repeated


def test_a_day_the_till_no_longer_holds_is_a_problem_for_head_office(
    shop: Database, tmp_path: Path,
) -> None:
    db = shop
    sell(db)
    _deliver_up_to(db, _seqs(db)[-1])
    gone = _apply(db, tmp_path, "resend-2", {"day": (TODAY - timedelta(days=30)).isoformat()})
    assert gone.status == "problem" and "no longer holds any event of that day" in gone.result
    bad = _apply(db, tmp_path, "resend-3", {"day": "yesterday"})
    assert bad.status == "problem" and "is not a date" in bad.result
    topics = _apply(db, tmp_path, "resend-4", {"day": TODAY.isoformat(), "topics": "all"})
    assert topics.status == "problem" and "not a list of names" in topics.result
    with db.read() as session:
        assert not session.scalars(select(SyncParked)).all()


def test_only_the_topics_asked_for_are_marked(shop: Database, tmp_path: Path) -> None:
    db = shop
    sell(db)
    _deliver_up_to(db, _seqs(db)[-1])
    result = _apply(db, tmp_path, "resend-5",
                    {"day": TODAY.isoformat(), "topics": ["warranty.activated"]})
    with db.read() as session:
        marked = session.scalars(select(OutboxEvent.topic).join(
            SyncParked, SyncParked.event_seq == OutboxEvent.seq)).all()
    assert result.status == "applied" and set(marked) == {"warranty.activated"}
