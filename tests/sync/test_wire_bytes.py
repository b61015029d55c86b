"""The push's fast paths write what the slow ones wrote: each event's bytes, each stored
event, the outbox's times, and the ledger's rows after a batch."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import requests
from sqlalchemy import select

from sync import ledger
from sync.contract import Event, Outcome, TransientError
from sync.http import HttpClient
from sync.outbox_reader import _utc
from sync.portal import PortalDestination, _wire
from warranty_desk.models import SyncCursor, SyncDelivered
from warranty_desk.storage.database import Database

_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
AT = datetime(2026, 11, 22, 9, 30, 5, 120, tzinfo=UTC)


def _encoded(event: Event) -> bytes:
    # The head as a dict through the encoder, as every push wrote it before.
    head = _ENCODE({"id": event.id, "seq": event.seq, "topic": event.topic,
                    "aggregate": event.aggregate, "aggregate_id": event.aggregate_id,
                    "occurred_at": event.occurred_at.isoformat()})
    return f'{head[:-1]},"payload":{event.payload_json}}}'.encode()


@pytest.mark.parametrize("event", [
    Event(1, "0d0c7f52-5a8e-4c57-9d0a-8e8f9a3c1b2d", "claim.opened", "claim", "BR01-C-1", AT,
          payload_json='{"fault":"No picture"}'),
    Event(2**40, 'quote " back \\ line \n nul \x00 sep \u2028', "tópico/\t", "cl\u00e1im",
          "id\x7f\U0001F600", AT.replace(microsecond=0), payload_json='{"a":"\u00e9"}'),
    Event(3, "x", "t", "a", "i", AT.astimezone(timezone(timedelta(hours=5, minutes=30))),
          {"n": 1}),
    Event(True, "x", "t", "a", "i", AT, payload_json="{}"),  # not a plain int: the encoder
    Event(4, "x", None, "a", "i", AT, payload_json="{}"),  # type: ignore[arg-type]
])
def test_an_event_leaves_as_the_same_bytes_the_encoder_wrote(event: Event) -> None:
    assert _wire(event) == _encoded(event)
    assert json.loads(_wire(event))["seq"] == json.loads(_encoded(event))["seq"]


def test_a_stored_event_is_the_event_init_makes_and_as_unchangeable() -> None:
    made = Event(7, "id-7", "claim.opened", "claim", "C-7", AT, payload_json='{"x":1}')
    stored = Event.stored(7, "id-7", "claim.opened", "claim", "C-7", AT, '{"x":1}')
    assert stored == made and stored.payload == {"x": 1} and stored.payload_json == '{"x":1}'
    with pytest.raises(AttributeError):
        stored.seq = 8  # type: ignore[misc]


@pytest.mark.parametrize("text", ["2026-11-22 09:30:05.000120", "2026-11-22 09:30:05",
                                  "2026-11-22T09:30:05.000120"])
def test_an_outbox_time_reads_as_the_utc_time_it_was_stored_as(text: str) -> None:
    assert _utc(text) == datetime.fromisoformat(text).replace(tzinfo=UTC)
    assert _utc(text).tzinfo is UTC


def test_a_time_stored_with_a_zone_is_read_as_before() -> None:
    assert _utc("2026-11-22 09:30:05+02:00") == datetime(2026, 11, 22, 9, 30, 5, tzinfo=UTC)


def test_a_batch_commit_moves_the_cursor_keeps_rows_above_and_stamps_as_the_orm_does(
    shop: Database,
) -> None:
    assert ledger.cursor(shop, "portal") == 0
    ledger.commit_batch(shop, "portal", old=0, new=5, parked=(), now=AT, sent=True,
                        above=[3, 7, 9, 9])
    assert ledger.cursor(shop, "portal") == 5
    with shop.read() as session:
        row = session.scalars(select(SyncCursor).where(SyncCursor.destination == "portal")).one()
        stamps = (row.last_success_at, row.last_attempt_at, row.last_error)
        kept = list(session.scalars(select(SyncDelivered.event_seq).where(
            SyncDelivered.destination == "portal").order_by(SyncDelivered.event_seq)))
    with shop.driver_read() as conn:
        text = conn.execute("SELECT last_success_at FROM sync_cursors").fetchone()[0]
    assert stamps == (AT, AT, None) and text == "2026-11-22 09:30:05.000120"
    assert kept == [7, 9]
    # The cursor passing them removes their rows; a stale old cursor loses the race.
    ledger.commit_batch(shop, "portal", old=5, new=9, parked=(), now=AT, sent=False)
    assert ledger.settled_above(shop, "portal", 0) == set()
    with pytest.raises(ledger.LostRace):
        ledger.commit_batch(shop, "portal", old=5, new=12, parked=(), now=AT, sent=True)


def _answered(results: Any) -> list[Outcome] | Exception:
    answer = requests.Response()
    answer.status_code = 200
    answer.headers["Content-Type"] = "application/json"
    answer._content = json.dumps({"results": results}).encode()
    portal = PortalDestination(HttpClient("http://127.0.0.1:9", lambda: "token-123456"), "BR01")
    try:
        return portal._outcomes(_EVENTS, answer)
    except TransientError as exc:
        return exc


_EVENTS = [Event(n, f"id-{n}", "claim.opened", "claim", f"C-{n}", AT, payload_json="{}")
           for n in (1, 2, 3)]


@pytest.mark.parametrize("results", [
    [{"id": "id-1", "status": "accepted"}, {"id": "id-2", "status": "duplicate"},
     {"id": "id-3", "status": "accepted"}],
    # Another order, a reason, a refusal, a missing answer: read by id, as before.
    [{"id": "id-3", "status": "accepted"}, {"id": "id-1", "status": "duplicate"},
     {"id": "id-2", "status": "accepted"}],
    [{"id": "id-1", "status": "accepted"}, {"id": "id-2", "status": "duplicate",
                                            "reason": "seen on 2026-11-21"},
     {"id": "id-3", "status": "accepted"}],
    [{"id": "id-1", "status": "accepted"}, {"id": "id-2", "status": "rejected",
                                            "reason": "bad", "code": "invalid-payload"},
     {"id": "id-3", "status": "accepted"}],
    [{"id": "id-1", "status": "accepted"}, {"id": "id-3", "status": "accepted"}],
    [{"id": "id-1", "status": "accepted"}, {"id": "id-2", "status": "stored"},
     {"id": "id-3", "status": "accepted"}],
])
def test_an_answer_read_in_one_pass_gives_the_outcomes_read_by_id(results: Any) -> None:
    by_id = {r["id"]: r for r in results}
    expected: list[Outcome] | None = []
    for event in _EVENTS:
        got = by_id.get(event.id, {})
        if got.get("status") not in ("accepted", "duplicate", "rejected"):
            expected = None  # no usable answer: the batch goes again
            break
        assert expected is not None
        expected.append(Outcome(event.id, got["status"], got.get("reason", ""),
                                got.get("code", "")))
    outcomes = _answered(results)
    if expected is None:
        assert isinstance(outcomes, TransientError)
    else:
        assert outcomes == expected
        assert all(type(o) is Outcome for o in outcomes)  # type: ignore[union-attr]
