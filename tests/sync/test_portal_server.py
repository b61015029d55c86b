"""The loopback portal itself: spec checks, token, dedupe, poison, inbox, documents, chaos."""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from typing import Any

import pytest
import requests

from tests.sync.portal_server import TOKEN, Chaos, PortalServer

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _event(n: int, **changes: Any) -> dict[str, Any]:
    event = {"id": str(uuid.uuid4()), "seq": n, "topic": "claim.opened", "aggregate": "claim",
             "aggregate_id": f"BR01-C-2026-{n:06d}", "occurred_at": "2026-11-22T09:00:00+00:00",
             "payload": {"number": n}}
    return {**event, **changes}


def _push(portal: PortalServer, events: list[dict[str, Any]], **kw: Any) -> requests.Response:
    return requests.post(f"{portal.url}/branches/BR01/events", json={"events": events},
                         headers=kw.pop("headers", AUTH), timeout=kw.pop("timeout", 5), **kw)


def test_a_valid_batch_is_stored_once_and_answered_in_order(portal: PortalServer) -> None:
    events = [_event(1), _event(2)]
    first = _push(portal, events)
    assert first.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["accepted", "accepted"]
    again = _push(portal, [events[1], _event(3)])
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "accepted"]
    assert portal.arrival_seqs() == [1, 2, 3]
    assert portal.events_for("BR01-C-2026-000002")[0]["id"] == events[1]["id"]


def test_a_missing_or_wrong_token_gets_401(portal: PortalServer) -> None:
    assert _push(portal, [_event(1)], headers={}).status_code == 401
    wrong = _push(portal, [_event(1)], headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert "token" in wrong.json()["reason"]
    assert portal.event_ids() == []


@pytest.mark.parametrize(("change", "words"), [
    ({"topic": "Claim.v2"}, "events/1/topic"),
    ({"payload": [1, 2]}, "events/1/payload"),
    ({"extra": True}, "extra"),
])
def test_a_batch_that_breaks_the_spec_gets_400_with_the_reason(
    portal: PortalServer, change: dict[str, Any], words: str
) -> None:
    answer = _push(portal, [_event(1), _event(2, **change)])
    assert answer.status_code == 400
    assert words in answer.json()["reason"]
    assert portal.event_ids() == []


def test_a_branch_code_outside_the_spec_pattern_gets_400(portal: PortalServer) -> None:
    answer = requests.post(f"{portal.url}/branches/br01/events", json={"events": [_event(1)]},
                           headers=AUTH, timeout=5)
    assert answer.status_code == 400
    assert "branch" in answer.json()["reason"]


def test_poisoned_events_are_rejected_with_the_reason_and_not_stored(portal: PortalServer) -> None:
    portal.poison = lambda e: "Unknown product code." if e["seq"] == 2 else None
    answer = _push(portal, [_event(1), _event(2), _event(3)]).json()["results"]
    assert [r["status"] for r in answer] == ["accepted", "rejected", "accepted"]
    assert answer[1]["reason"] == "Unknown product code."
    assert portal.arrival_seqs() == [1, 3]


def test_the_inbox_pages_by_cursor_and_keeps_acknowledgements(portal: PortalServer) -> None:
    portal.inbox_items = [
        {"id": f"in-{n}", "kind": "message_received", "created_at": "2026-11-22T09:00:00Z",
         "payload": {"claim_ref": "BR01-C-2026-000001", "body": f"Hello {n}"}} for n in range(5)]
    url = f"{portal.url}/branches/BR01/inbox"
    first = requests.get(url, params={"limit": 2}, headers=AUTH, timeout=5).json()
    assert [i["id"] for i in first["items"]] == ["in-0", "in-1"] and first["more"]
    rest = requests.get(url, params={"after": first["cursor"], "limit": 10}, headers=AUTH,
                        timeout=5).json()
    assert [i["id"] for i in rest["items"]] == ["in-2", "in-3", "in-4"] and not rest["more"]
    assert requests.get(url, params={"limit": 501}, headers=AUTH, timeout=5).status_code == 400
    ack = requests.post(f"{url}/ack", json={"cursor": rest["cursor"]}, headers=AUTH, timeout=5)
    assert ack.status_code == 204
    assert portal.acks == ["5"]


def test_documents_upload_only_when_missing_and_must_match_their_hash(
    portal: PortalServer,
) -> None:
    data = b"%PDF-1.4 receipt"
    sha = hashlib.sha256(data).hexdigest()
    url = f"{portal.url}/documents"
    missing = requests.post(f"{url}/missing", json={"sha256": [sha]}, headers=AUTH, timeout=5)
    assert missing.json() == {"missing": [sha]}
    octet = {**AUTH, "Content-Type": "application/octet-stream"}
    bad = requests.put(f"{url}/{sha}", data=b"other bytes", headers=octet, timeout=5)
    assert bad.status_code == 400 and sha in bad.json()["reason"]
    assert requests.put(f"{url}/{sha}", data=data, headers=octet, timeout=5).status_code == 201
    assert requests.put(f"{url}/{sha}", data=data, headers=octet, timeout=5).status_code == 200
    assert requests.get(f"{url}/{sha}", headers=AUTH, timeout=5).content == data
    assert requests.get(f"{url}/{'0' * 64}", headers=AUTH, timeout=5).status_code == 404


def test_a_nightly_report_is_stored(portal: PortalServer) -> None:
    report = {"branch": "BR01", "generated_at": "2026-11-22T23:00:00Z", "days": [
        {"day": "2026-11-22", "topic": "claim.opened", "count": 3, "sha256": "a" * 64}],
        "audit_head": {"seq": 10, "hash": "b" * 64}}
    answer = requests.post(f"{portal.url}/branches/BR01/nightly", data=json.dumps(report),
                           headers={**AUTH, "Content-Type": "application/json"}, timeout=5)
    assert answer.status_code == 204
    assert portal.nightly == [report]


def test_offline_refuses_connections_until_it_comes_back(portal: PortalServer) -> None:
    with requests.Session() as session:
        url = f"{portal.url}/branches/BR01/events"
        assert session.post(url, json={"events": [_event(1)]}, headers=AUTH).status_code == 200
        portal.go_offline()
        with pytest.raises(requests.ConnectionError):
            session.post(url, json={"events": [_event(2)]}, headers=AUTH, timeout=2)
        portal.go_online()
        assert session.post(url, json={"events": [_event(3)]}, headers=AUTH).status_code == 200
    assert portal.arrival_seqs() == [1, 3]


def test_chaos_answers_500_and_429_with_retry_after(portal: PortalServer) -> None:
    portal.chaos = Chaos(error_500=1.0)
    assert _push(portal, [_event(1)]).status_code == 500
    portal.chaos = Chaos(too_many=1.0, retry_after=9)
    answer = _push(portal, [_event(1)])
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "9"
    assert portal.event_ids() == []


def test_chaos_drop_stores_the_batch_but_never_answers(portal: PortalServer) -> None:
    portal.chaos = Chaos(drop_after_store=1.0)
    with pytest.raises(requests.ConnectionError):
        _push(portal, [_event(1)])
    assert portal.arrival_seqs() == [1]


def test_chaos_hang_outlasts_the_client_timeout(portal: PortalServer) -> None:
    portal.chaos = Chaos(hang=1.0, hang_seconds=0.5)
    with pytest.raises(requests.Timeout):
        _push(portal, [_event(1)], timeout=0.1)


def test_chaos_draws_are_seeded_and_follow_the_fractions() -> None:
    chaos = Chaos(error_500=0.3, too_many=0.05, hang=0.1, drop_after_store=0.1)
    rng = random.Random(4)
    draws = [chaos.draw(rng) for _ in range(10_000)]
    assert draws[:50] == [chaos.draw(r) for r in [random.Random(4)] for _ in range(50)]
    assert 0.28 < draws.count("error_500") / 10_000 < 0.32
    assert 0.43 < draws.count("") / 10_000 < 0.47
