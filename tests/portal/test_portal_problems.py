"""Every refusal of the real portal is the contract's Problem: a machine-readable code, whether it
is permanent or fixable, and the field at fault; the till's one judge reads each as meant."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import requests

from portal import contract
from sync.failures import Verdict, judge
from tests.portal.support import LivePortal, RegisteredBranch, register

GOOD = {"id": "019ae0a1-1111-7000-8000-00000000beef", "seq": 1, "topic": "claim.opened",
        "aggregate": "claim", "aggregate_id": "BR01-C-1",
        "occurred_at": "2026-11-22T09:00:00+00:00", "payload": {}}


def _call(live: LivePortal, method: str, path: str, token: str, body: Any = None,
          content_type: str = "application/json") -> requests.Response:
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"}
    if data is not None:
        headers["Content-Type"] = content_type
    return requests.request(method, f"{live.url}{path}", data=data, headers=headers,
                            timeout=10, allow_redirects=False)


def _problem(answer: requests.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    contract.check(contract.validator(contract.schema_pointer("Problem")), body, "Problem")
    return body


def test_what_was_sent_is_refused_for_good_naming_the_field_at_fault(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    events = f"/branches/{branch.code}/events"
    bad_seq = _problem(_call(live_portal, "POST", events, branch.token,
                             {"events": [GOOD, {**GOOD, "seq": 0}]}), 400)
    assert (bad_seq["code"], bad_seq["permanent"], bad_seq["field"]) == (
        "invalid_request", True, "/events/1/seq")

    sha = hashlib.sha256(b"the original photo").hexdigest()
    damaged = _problem(_call(live_portal, "PUT", f"/documents/{sha}", branch.token,
                             b"a damaged photo", "application/octet-stream"), 400)
    assert (damaged["code"], damaged["permanent"], damaged["field"]) == (
        "document_mismatch", True, "sha256")

    cursor = _problem(_call(live_portal, "GET", f"/branches/{branch.code}/inbox?after=zz9",
                            branch.token), 400)
    assert (cursor["code"], cursor["permanent"], cursor["field"]) == ("bad_cursor", True,
                                                                      "after")
    ack = _problem(_call(live_portal, "POST", f"/branches/{branch.code}/inbox/ack",
                         branch.token, {"cursor": "p999"}), 400)
    assert (ack["code"], ack["field"]) == ("bad_cursor", "/cursor")

    report = {"branch": "ZZ99", "generated_at": "2026-11-22T23:00:00+00:00", "days": [],
              "audit_head": {"seq": 0, "hash": "0" * 64}}
    other = _problem(_call(live_portal, "POST", f"/branches/{branch.code}/nightly",
                           branch.token, report), 400)
    assert (other["code"], other["permanent"], other["field"]) == ("wrong_report", True,
                                                                   "/branch")
    for body in (bad_seq, damaged, cursor, ack, other):
        assert judge(400, "application/problem+json", body) is Verdict.REFUSED


@pytest.mark.parametrize(("case", "status", "code", "verdict"), [
    ("wrong token", 401, "bad_token", Verdict.SETTINGS),
    ("another branch's token", 403, "wrong_branch", Verdict.SETTINGS),
    ("an address the portal lacks", 404, "unknown_address", Verdict.SETTINGS),
    ("a document not there yet", 404, "no_such_document", Verdict.LATER),
])
def test_what_a_person_or_time_can_fix_is_never_permanent(
    live_portal: LivePortal, branch: RegisteredBranch, case: str, status: int, code: str,
    verdict: Verdict,
) -> None:
    path, token = f"/branches/{branch.code}/inbox", branch.token
    if case == "wrong token":
        token = "not-the-token"
    elif case == "another branch's token":
        token = register().token
    elif case == "an address the portal lacks":
        path = f"/branches/{branch.code}/outbox"
    else:
        path = f"/documents/{'0' * 64}"
    body = _problem(_call(live_portal, "GET", path, token), status)
    assert (body["code"], body["permanent"]) == (code, False), body
    assert judge(status, "application/problem+json", body) is verdict
