"""The inbox cursor rules of the contract, on both sides: one sequence across kinds, cursors that
never expire, an older acknowledgement that changes nothing, and a cursor the portal never gave
refused as bad_cursor, which the till recovers from by reading from its last acknowledgement."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from portal.branches.models import Branch
from portal.inbox.services import queue_item
from sync.inbox import PortalInbox, pull_once
from tests.portal.support import LivePortal, RegisteredBranch
from tests.portal.till import client, till
from warranty_desk.clock import FixedClock
from warranty_desk.models import Warranty
from warranty_desk.services import inbox
from warranty_desk.storage.documents import DocumentStore


def _branch(branch: RegisteredBranch) -> Branch:
    return Branch.objects.get(pk=branch.pk)


def _queue_mixed(branch: RegisteredBranch) -> list[str]:
    """Items of four kinds, interleaved; their ids in the order queued."""
    code = branch.code
    items: list[tuple[str, dict[str, Any]]] = [
        ("message_received", {"claim_ref": f"{code}-C-2026-000001", "body": "Any news?"}),
        ("brand_status", {"claim_number": f"{code}-C-2026-000001", "status": "in_repair"}),
        ("resend_day", {"day": "2026-11-20"}),
        ("message_received", {"claim_ref": f"{code}-C-2026-000001", "body": "Thanks"}),
        ("claim_started", {"fault": "Dead", "customer": {"name": "Ada"}}),
    ]
    for n, (kind, payload) in enumerate(items):
        queue_item(_branch(branch), kind, payload, item_id=f"mixed-{n}")
    return [f"mixed-{n}" for n in range(len(items))]


def _get(live: LivePortal, branch: RegisteredBranch, **params: str) -> requests.Response:
    return requests.get(f"{live.url}/branches/{branch.code}/inbox", params=params, timeout=10,
                        headers={"Authorization": f"Bearer {branch.token}"})


def test_items_of_every_kind_come_in_one_sequence_in_the_order_queued(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    queued = _queue_mixed(branch)
    reader = PortalInbox(client(live_portal, branch.token), branch.code)
    seen, after = [], ""
    for _ in range(5):
        page = reader.page(after, 2)
        seen += [(i.id, i.kind) for i in page.items]
        after = page.cursor
        if not page.more:
            break
    assert [i for i, _ in seen] == queued
    assert [k for _, k in seen][:3] == ["message_received", "brand_status", "resend_day"]


def test_a_cursor_never_expires_and_an_older_ack_changes_nothing(
    live_portal: LivePortal, branch: RegisteredBranch, portal_clock: FixedClock,
) -> None:
    queued = _queue_mixed(branch)
    reader = PortalInbox(client(live_portal, branch.token), branch.code)
    first = reader.page("", 1)
    second = reader.page(first.cursor, 2)
    reader.ack(second.cursor)
    reader.ack(first.cursor)  # older than the last: a no-op, not an error
    assert _branch(branch).inbox_acked == 3
    # A year and more later, with items queued since, the old cursor still reads after itself.
    portal_clock.set(portal_clock.now() + timedelta(days=400))
    queue_item(_branch(branch), "message_received", {"claim_ref": "X", "body": "Later"},
               item_id="later")
    old = reader.page(first.cursor, 10)
    assert [i.id for i in old.items] == [*queued[1:], "later"]
    assert [i.id for i in reader.page("", 10).items] == [*queued[3:], "later"]


def test_a_cursor_past_the_end_or_not_a_cursor_is_refused_bad_cursor_on_read_and_ack(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    _queue_mixed(branch)
    for cursor in ("p6", "p999999", "yesterday"):
        answer = _get(live_portal, branch, after=cursor)
        assert answer.status_code == 400, cursor
        body = answer.json()
        assert (body["code"], body["permanent"], body["field"]) == ("bad_cursor", True, "after")
        acked = requests.post(f"{live_portal.url}/branches/{branch.code}/inbox/ack",
                              json={"cursor": cursor}, timeout=10,
                              headers={"Authorization": f"Bearer {branch.token}"})
        assert acked.status_code == 400 and acked.json()["field"] == "/cursor"
    assert _get(live_portal, branch, after="p5").json()["items"] == []  # the last one given


@pytest.mark.logs(r"refused the kept inbox cursor 'p40'; reading again")
def test_the_till_reads_again_from_its_last_ack_when_the_portal_never_gave_its_cursor(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch, claims=1)
    with db.read() as session:
        code = session.scalars(select(Warranty.code)).first()
    queue_item(_branch(branch), "claim_started", {"warranty_code": code, "fault": "Dead",
                                                  "customer": {"name": "Ada"}}, item_id="web-1")
    # Head office was restored from a backup: the cursor the till kept is past its end.
    inbox.save_cursor(db, "portal", "p40")
    report = pull_once(db, PortalInbox(client(live_portal, branch.token), branch.code),
                       documents=DocumentStore(home.documents))
    assert (report.applied, report.error, report.acked) == (1, "", "p1"), report
    assert inbox.stored_cursor(db, "portal") == "p1" and _branch(branch).inbox_acked == 1
