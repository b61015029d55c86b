"""The chaos proxy in front of the real portal: offline, 500 and 429 of its own, answers lost
after the portal stored the batch, hangs past the till's timeout, and seeded draws."""

from __future__ import annotations

import random
from typing import Any

import pytest
import requests
import uuid_utils

from tests.liveportal.branch_view import BranchPortal
from tests.sync.chaos_proxy import Chaos
from tests.sync.engine_helpers import wait_until


def _event(n: int) -> dict[str, Any]:
    """A claim.opened event whose payload meets its topic's schema, so the portal stores it."""
    number = f"BR01-C-2026-{n:06d}"
    return {"id": str(uuid_utils.uuid7()), "seq": n, "topic": "claim.opened",
            "aggregate": "claim", "aggregate_id": number,
            "occurred_at": "2026-11-22T09:00:00+00:00",
            "payload": {"number": number, "state": "received", "channel": "counter",
                        "claim_type": "fault", "fault": "Does not switch on",
                        "opened_at": "2026-11-22T09:00:00+00:00"}}


def _auth(portal: BranchPortal) -> dict[str, str]:
    return {"Authorization": f"Bearer {portal.token}"}


def _push(portal: BranchPortal, events: list[dict[str, Any]], timeout: float = 5
          ) -> requests.Response:
    return requests.post(f"{portal.url}/branches/{portal.code}/events",
                         json={"events": events}, headers=_auth(portal), timeout=timeout)


def test_offline_refuses_connections_until_it_comes_back(portal: BranchPortal) -> None:
    with requests.Session() as session:
        url = f"{portal.url}/branches/{portal.code}/events"
        auth = _auth(portal)
        assert session.post(url, json={"events": [_event(1)]}, headers=auth).status_code == 200
        portal.go_offline()
        with pytest.raises(requests.ConnectionError):
            session.post(url, json={"events": [_event(2)]}, headers=auth, timeout=2)
        portal.go_online()
        assert session.post(url, json={"events": [_event(3)]}, headers=auth).status_code == 200
    assert portal.arrival_seqs() == [1, 3]


def test_500_and_429_are_answered_before_the_portal_sees_the_request(
    portal: BranchPortal,
) -> None:
    portal.chaos = Chaos(error_500=1.0)
    refused = _push(portal, [_event(1)])
    assert refused.status_code == 500
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "internal_error" and refused.json()["permanent"] is False
    portal.chaos = Chaos(too_many=1.0, retry_after=9)
    answer = _push(portal, [_event(1)])
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "9"
    assert answer.json()["code"] == "slow_down"
    assert portal.event_ids() == []
    assert [(c.status, c.chaos) for c in portal.calls] == [(500, "error_500"), (429, "too_many")]


def test_a_lost_answer_leaves_the_batch_stored_and_counted(portal: BranchPortal) -> None:
    portal.chaos = Chaos(drop_after_store=1.0)
    sent = _event(1)
    with pytest.raises(requests.ConnectionError):
        _push(portal, [sent])
    assert portal.arrival_seqs() == [1]
    assert portal.batches == [[(sent["id"], "accepted")]] and portal.answers["accepted"] == 1
    assert portal.calls[-1].status == 0


def test_a_hang_outlasts_the_clients_timeout_and_the_portal_stores_it_late(
    portal: BranchPortal,
) -> None:
    portal.chaos = Chaos(hang=1.0, hang_seconds=0.5)
    with pytest.raises(requests.Timeout):
        _push(portal, [_event(1)], timeout=0.1)
    assert wait_until(lambda: portal.arrival_seqs() == [1], timeout=10)


def test_draws_are_seeded_and_follow_the_fractions() -> None:
    chaos = Chaos(error_500=0.3, too_many=0.05, hang=0.1, drop_after_store=0.1)
    rng = random.Random(4)
    draws = [chaos.draw(rng) for _ in range(10_000)]
    assert draws[:50] == [chaos.draw(r) for r in [random.Random(4)] for _ in range(50)]
    assert 0.28 < draws.count("error_500") / 10_000 < 0.32
    assert 0.43 < draws.count("") / 10_000 < 0.47
