"""The contract's per-event answers, on both sides: a payload is checked against its topic's
schema, a refusal carries a code and whether it is permanent, an id reused with other content
is refused; the till parks only what is refused for good and sends the rest again later."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests

from portal import contract
from portal.receiver.models import Event
from sync.engine import SyncEngine
from tests.conftest import sqlite_file
from tests.portal.support import LivePortal, RegisteredBranch, numbered_id
from tests.portal.till import destination, push_all, till
from warranty_desk.services import outbox
from warranty_desk.storage.database import Database

OPENED = {"number": "BR-C-1", "state": "received", "outcome": None, "channel": "counter",
          "claim_type": "fault", "fault": "No power", "serial": "SN-1", "customer": None,
          "warranty": None, "opened_at": "2026-11-22T09:00:00+00:00"}


def _event(n: int, payload: dict[str, Any], *, topic: str = "claim.opened", seq: int = 0,
           **extra: Any) -> dict[str, Any]:
    return {"id": numbered_id(n), "seq": seq or n, "topic": topic, "aggregate": "claim",
            "aggregate_id": str(payload.get("number", "BR-C-1")),
            "occurred_at": "2026-11-22T09:00:00+00:00", "payload": payload, **extra}


def _push(live: LivePortal, branch: RegisteredBranch, *events: dict[str, Any]
          ) -> list[dict[str, Any]]:
    answer = requests.post(f"{live.url}/branches/{branch.code}/events",
                           data=json.dumps({"events": list(events)}),
                           headers={"Authorization": f"Bearer {branch.token}",
                                    "Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    contract.check(contract.validator(contract.schema_pointer("BatchResult")), body, "answer")
    results: list[dict[str, Any]] = body["results"]
    return results


def _stored(branch: RegisteredBranch) -> dict[str, dict[str, Any]]:
    return {str(e.id): e.payload for e in Event.objects.filter(branch_id=branch.pk)}


def _parked(db: Database) -> list[tuple[int, str, str, str]]:
    with sqlite_file(db.path) as conn:
        return conn.execute("SELECT event_seq, kind, state, reason FROM sync_parked "
                            "ORDER BY event_seq").fetchall()


def test_a_payload_that_breaks_its_topics_schema_is_refused_alone_naming_the_field(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    other = dict(OPENED, number="BR-C-2")
    results = _push(live_portal, branch, _event(1, OPENED), _event(2, dict(OPENED, state="lost")),
                    _event(3, other))
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    refused = results[1]
    assert (refused["code"], refused["permanent"], refused["field"]) == (
        "invalid_payload", True, "/payload/state")
    assert "'lost' is not one of" in refused["reason"]
    assert "code" not in results[0] and "permanent" not in results[0]
    assert set(_stored(branch)) == {numbered_id(1), numbered_id(3)}


def test_a_missing_field_and_a_wrong_format_are_named_too(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    without = {k: v for k, v in OPENED.items() if k != "fault"}
    late = dict(OPENED, opened_at="22/11/2026 09:00")
    results = _push(live_portal, branch, _event(11, without), _event(12, late))
    assert [(r["code"], r["field"]) for r in results] == [("invalid_payload", "/payload"),
                                                          ("invalid_payload",
                                                           "/payload/opened_at")]
    assert "'fault' is a required property" in results[0]["reason"]
    assert _stored(branch) == {}


def test_a_topic_or_version_head_office_does_not_know_is_refused_as_try_later(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    results = _push(live_portal, branch, _event(21, OPENED, topic="claim.escalated"),
                    _event(22, OPENED, v=2), _event(23, OPENED, v=1))
    assert [(r["status"], r.get("code"), r.get("permanent"), r.get("field"))
            for r in results] == [("rejected", "unknown_topic", False, "/topic"),
                                  ("rejected", "unknown_version", False, "/v"),
                                  ("accepted", None, None, None)]
    assert "goes again by itself once head office is upgraded" in results[0]["reason"]
    assert [e.v for e in Event.objects.filter(branch_id=branch.pk)] == [1]


def test_the_same_id_with_other_content_is_refused_and_nothing_of_it_is_stored(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    first = _event(31, OPENED)
    assert _push(live_portal, branch, first)[0]["status"] == "accepted"
    # The same event again, even renumbered by a restore, is a duplicate.
    assert [r["status"] for r in _push(live_portal, branch, first, dict(first, seq=9))] == [
        "duplicate", "duplicate"]
    changed = _event(31, dict(OPENED, fault="Cracked screen"))
    moved = dict(first, aggregate_id="BR-C-9")
    for other in (changed, moved, dict(first, occurred_at="2026-11-22T10:00:00+00:00")):
        [answer] = _push(live_portal, branch, other)
        assert (answer["status"], answer["code"], answer["permanent"], answer["field"]) == (
            "rejected", "id_reused", True, "/id")
        assert "sent before with other content" in answer["reason"]
    assert _stored(branch) == {numbered_id(31): OPENED}
    # Twice in one batch: the first is stored, the other content refused.
    pair = _push(live_portal, branch, _event(32, OPENED), _event(32, dict(OPENED, fault="x")))
    assert [(r["status"], r.get("code")) for r in pair] == [("accepted", None),
                                                            ("rejected", "id_reused")]
    assert _stored(branch)[numbered_id(32)] == OPENED


def test_the_till_parks_only_the_event_refused_for_good_and_sends_the_rest(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    _, db = till(tmp_path, branch, claims=2)
    with db.write() as session:
        outbox.emit(session, "claim.note_added", "claim", "BR-C-77",
                    {"number": "BR-C-77", "note": "", "by": "Sam"})
    report = SyncEngine(db, [destination(live_portal, branch)]).push_once()
    assert (report.parked, report.pending, report.errors) == (1, 0, ())
    [(_, kind, state, reason)] = _parked(db)
    assert (kind, state) == ("rejected", "parked")
    assert "claim.note_added payload at note" in reason and "should be non-empty" in reason


def test_the_till_sends_again_later_what_head_office_cannot_take_yet(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    _, db = till(tmp_path, branch, claims=1)
    with db.write() as session:
        outbox.emit(session, "claim.escalated", "claim", "BR-C-78", {"number": "BR-C-78"})
    engine = SyncEngine(db, [destination(live_portal, branch)])
    [report] = engine.push_once().destinations
    assert report.parked == 0 and report.pending >= 1 and _parked(db) == []
    assert "cannot take event" in report.error and "claim.escalated" in report.error
    assert "once head office is upgraded" in report.error
    # Sent again on the next push, answered the same: still nothing parks.
    [again] = engine.push_once().destinations
    assert again.parked == 0 and again.pending == report.pending and _parked(db) == []


def test_the_till_shows_an_id_reused_with_other_content_as_a_problem_for_a_person(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    _, db = till(tmp_path, branch, claims=1)
    push_all(db, live_portal, branch)
    # A copy of the database that was changed by hand, sending its events again.
    with sqlite_file(db.path) as conn:
        seq, text = conn.execute("SELECT seq, payload FROM outbox_events WHERE topic = "
                                 "'claim.opened'").fetchone()
        conn.execute("UPDATE outbox_events SET payload = ? WHERE seq = ?",
                     (json.dumps(dict(json.loads(text), fault="Edited by hand")), seq))
        conn.execute("UPDATE sync_cursors SET delivered_seq = 0")
        conn.execute("DELETE FROM sync_delivered")
    report = SyncEngine(db, [destination(live_portal, branch)]).push_once()
    parked = _parked(db)
    assert (report.parked, report.stored, report.errors) == (len(parked), 0, ())
    # The edited event is refused; the claim's later events wait behind it, for a person.
    assert parked[0][:3] == (seq, "rejected", "parked")
    assert "sent before with other content" in parked[0][3] and "tell head office" in parked[0][3]
    assert {kind for _, kind, _, _ in parked[1:]} <= {"held"}
