"""A request that breaks the contract gets 400 application/problem+json naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from portal import contract
from tests.portal.support import LivePortal, RegisteredBranch

GOOD = {"id": "019ae0a1-1111-7000-8000-00000000beef", "seq": 1, "topic": "claim.opened",
        "aggregate": "claim", "aggregate_id": "BR01-C-1",
        "occurred_at": "2026-11-22T09:00:00+00:00",
        "payload": {"number": "BR01-C-1", "state": "received", "channel": "counter",
                    "claim_type": "fault", "fault": "No power",
                    "opened_at": "2026-11-22T09:00:00+00:00"}}


def _post(live: LivePortal, branch: RegisteredBranch, path: str, body: Any, *,
          content_type: str = "application/json") -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(f"{live.url}/branches/{branch.code}/{path}", data=data, timeout=10,
                         headers={"Authorization": f"Bearer {branch.token}",
                                  "Content-Type": content_type})


def _problem(answer: requests.Response) -> str:
    assert answer.status_code == 400, answer.text
    assert answer.headers["Content-Type"] == "application/problem+json"
    body = answer.json()
    contract.check(contract.validator(contract.schema_pointer("Problem")), body, "Problem")
    assert body["status"] == 400 and body["title"] == "Bad Request"
    return str(body["reason"])


@pytest.mark.parametrize(("change", "words"), [
    ({"seq": 0}, "The body at events/0/seq: 0 is less than the minimum of 1"),
    ({"topic": "Claim Opened"}, "The body at events/0/topic: 'Claim Opened' does not match"),
    ({"id": "not-a-uuid"}, "The body at events/0/id: 'not-a-uuid' is not a 'uuid'"),
    ({"occurred_at": "22/11/2026"}, "The body at events/0/occurred_at: '22/11/2026' is not a "
                                    "'date-time'"),
    ({"colour": "red"}, "The body at events/0: Additional properties are not allowed"),
    ({"payload": []}, "The body at events/0/payload: [] is not of type 'object'"),
])
def test_an_event_that_breaks_the_contract_is_refused_400_naming_its_field(
    live_portal: LivePortal, branch: RegisteredBranch, change: dict[str, Any], words: str,
) -> None:
    reason = _problem(_post(live_portal, branch, "events", {"events": [{**GOOD, **change}]}))
    assert reason.startswith(words), reason


def test_more_than_500_events_in_one_batch_are_refused(live_portal: LivePortal,
                                                       branch: RegisteredBranch) -> None:
    reason = _problem(_post(live_portal, branch, "events", {"events": [GOOD] * 501}))
    assert reason == "The body at events: a list of 501 items is too long", reason


def test_a_body_that_is_not_json_or_not_sent_as_json_is_refused(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    assert _problem(_post(live_portal, branch, "events", b"{events:")).startswith(
        "The body is not valid JSON")
    assert _problem(_post(live_portal, branch, "events", {"events": [GOOD]},
                          content_type="text/plain")).startswith(
        "Send the body as application/json (it came as text/plain)")


@pytest.mark.parametrize(("query", "words"), [
    ("limit=0", "The query parameter limit: 0 is less than the minimum of 1"),
    ("limit=501", "The query parameter limit: 501 is greater than the maximum of 500"),
    ("limit=many", "The query parameter limit: 'many' is not of type 'integer'"),
    ("after=" + "x" * 201, "The query parameter after: "),
    # A parameter the contract does not name is refused, not silently ignored.
    ("limit=5&since=3", "The query parameter 'since' is not one this address takes "
                        "(after, limit)."),
])
def test_inbox_parameters_outside_the_contract_are_refused(
    live_portal: LivePortal, branch: RegisteredBranch, query: str, words: str,
) -> None:
    answer = requests.get(f"{live_portal.url}/branches/{branch.code}/inbox?{query}",
                          headers={"Authorization": f"Bearer {branch.token}"}, timeout=10)
    assert _problem(answer).startswith(words)


def test_a_path_branch_that_is_no_branch_code_is_refused_before_the_token_is_compared(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    answer = requests.post(f"{live_portal.url}/branches/br-1/events", json={"events": [GOOD]},
                           headers={"Authorization": f"Bearer {branch.token}"}, timeout=10)
    assert _problem(answer).startswith("The path parameter branch: 'br-1' does not match")


def test_the_nightly_report_of_another_branch_is_refused(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    report = {"branch": "ZZ99", "generated_at": "2026-11-22T23:00:00+00:00", "days": [],
              "audit_head": {"seq": 0, "hash": "0" * 64}}
    assert _problem(_post(live_portal, branch, "nightly", report)).startswith(
        f"The report is for branch ZZ99, but it was sent for branch {branch.code}.")


@pytest.mark.parametrize("change", [
    {}, {"topic": "claim.opened\n"}, {"topic": "Claim.opened"}, {"seq": 1.0}, {"seq": 10**40},
    {"seq": True}, {"id": "019ae0a1111170008000000000000beef"},
    {"id": "{019ae0a1-1111-7000-8000-00000000beef}"}, {"occurred_at": "2026-11-22t09:00:00z"},
    {"occurred_at": "2026-11-22T09:00:00"}, {"occurred_at": "2026-02-30T09:00:00Z"},
    {"aggregate_id": "é" * 64}, {"aggregate_id": "é" * 65}, {"payload": {"x": float("inf")}},
    {"extra": 1},
])
def test_the_quick_check_passes_only_what_the_contracts_own_check_passes(
    change: dict[str, Any],
) -> None:
    body = {"events": [{**GOOD, **change}]}
    pointer = contract.operation("pushEvents").body_pointer
    assert pointer is not None
    slow = contract.best_match(contract.validator(pointer).iter_errors(body)) is None
    # What the quick check passes, the contract's own check passes; the rest goes to it.
    assert slow or not contract.valid(pointer, body)
    if not change:
        assert contract.valid(pointer, body)  # the valid batch takes the quick way


@pytest.mark.parametrize(("seq", "written"), [
    (1, "2026-11-22t09:00:00z"), (2, "2026-11-22 09:00:00Z"), (3, "2026-11-22T10:00:00.5+01:00")])
def test_every_instant_the_contract_takes_is_stored_not_answered_500(
    live_portal: LivePortal, branch: RegisteredBranch, seq: int, written: str,
) -> None:
    """RFC 3339 allows lower-case t and z and a space: what passes the check is also stored."""
    event = {**GOOD, "id": f"019ae0a1-1111-7000-8000-0000000{seq:05x}", "seq": seq,
             "occurred_at": written}
    answer = _post(live_portal, branch, "events", {"events": [event]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["status"] == "accepted"
