"""The inbox: what head office queues reaches the till by cursor, once, and is acknowledged."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from portal.branches.models import Branch
from portal.errors import PortalInputError
from portal.inbox.services import queue_item
from sync.inbox import PortalInbox, pull_once
from tests.conftest import actor
from tests.portal.support import LivePortal, RegisteredBranch
from tests.portal.till import client, till
from warranty_desk.models import Warranty
from warranty_desk.permissions import Role
from warranty_desk.services.board import BoardFilters, board
from warranty_desk.storage.documents import DocumentStore


def _branch(branch: RegisteredBranch) -> Branch:
    return Branch.objects.get(pk=branch.pk)


def test_a_claim_queued_online_appears_on_the_tills_claims_board_once(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch, claims=2)
    with db.read() as session:
        code = session.scalars(select(Warranty.code).order_by(Warranty.code)).first()
    queue_item(_branch(branch), "claim_started", {
        "warranty_code": code, "fault": "Screen flickers when warm",
        "customer": {"name": "Grace Hopper", "phone": "+44 20 7946 0001"}}, item_id="web-1")
    inbox = PortalInbox(client(live_portal, branch.token), branch.code)
    documents = DocumentStore(home.documents)

    first = pull_once(db, inbox, documents=documents)
    assert (first.applied, first.error) == (1, "")
    online = board(db, actor(Role.SALES), BoardFilters(channel="portal"))
    assert [(r.channel, r.state) for r in online.rows] == [("portal", "received")]
    assert _branch(branch).inbox_acked == 1  # the till acknowledged what it applied

    second = pull_once(db, inbox, documents=documents)
    assert (second.applied, second.repeated) == (0, 0)
    assert len(board(db, actor(Role.SALES), BoardFilters(channel="portal")).rows) == 1


def test_pages_follow_the_cursor_and_an_empty_after_starts_past_the_last_ack(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    for n in range(5):
        queue_item(_branch(branch), "message_received",
                   {"claim_ref": f"{branch.code}-C-2026-00000{n}", "body": f"Hello {n}"})
    inbox = PortalInbox(client(live_portal, branch.token), branch.code)
    first = inbox.page("", 2)
    second = inbox.page(first.cursor, 2)
    assert [i.payload["body"] for i in first.items + second.items] == [
        f"Hello {n}" for n in range(4)]
    assert first.more and second.more
    inbox.ack(second.cursor)
    rest = inbox.page("", 10)
    assert [i.payload["body"] for i in rest.items] == ["Hello 4"] and not rest.more
    inbox.ack(first.cursor)  # an older cursor changes nothing
    assert _branch(branch).inbox_acked == 4


@pytest.mark.parametrize(("cursor", "words"), [
    ("p999", "Cursor p999 is past the end of the inbox"),
    ("yesterday", "'yesterday' is not an inbox cursor this portal gave"),
])
def test_a_cursor_the_portal_never_gave_is_refused(
    live_portal: LivePortal, branch: RegisteredBranch, cursor: str, words: str,
) -> None:
    answer = requests.post(f"{live_portal.url}/branches/{branch.code}/inbox/ack", timeout=10,
                           json={"cursor": cursor},
                           headers={"Authorization": f"Bearer {branch.token}"})
    assert answer.status_code == 400 and answer.json()["reason"].startswith(words)


def test_an_item_is_checked_against_the_contract_before_it_is_queued(
    branch: RegisteredBranch,
) -> None:
    with pytest.raises(PortalInputError, match="The claim_started item: 'fault' is a required"):
        queue_item(_branch(branch), "claim_started", {"customer": {"name": "Ada"}})
    with pytest.raises(PortalInputError, match="'parcel' is not an inbox item kind"):
        queue_item(_branch(branch), "parcel", {})
    assert _branch(branch).inbox_queued == 0
