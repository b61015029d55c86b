"""The sync API's inbox: pages after a cursor, and acknowledgements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from portal import contract
from portal.branches.auth import own_branch
from portal.inbox import services
from portal.receiver.api import refuse_oversized

router = Router()


class InboxItemOut(Schema):
    """One item as the till reads it."""

    id: str
    kind: str
    created_at: datetime
    payload: dict[str, Any]


class InboxPageOut(Schema):
    """One page of the inbox."""

    items: list[InboxItemOut]
    cursor: str
    more: bool


@router.get("/branches/{branch}/inbox", response={200: InboxPageOut})
def pull_inbox(request: HttpRequest, branch: str) -> InboxPageOut:
    """pullInbox: the items after `after` (or after the last acknowledged cursor)."""
    params = contract.parameters("pullInbox", {"branch": branch}, request.GET)
    reader = own_branch(request, branch)
    page = services.page(reader, params.get("after") or None, params["limit"])
    return InboxPageOut(items=[InboxItemOut(id=i.item_id, kind=i.kind, created_at=i.created_at,
                                            payload=i.payload) for i in page.items],
                        cursor=page.cursor, more=page.more)


@router.post("/branches/{branch}/inbox/ack", response={204: None})
def ack_inbox(request: HttpRequest, branch: str) -> tuple[int, None]:
    """ackInbox: everything up to the cursor is applied at the till."""
    contract.parameters("ackInbox", {"branch": branch}, request.GET)
    reader = own_branch(request, branch)
    refuse_oversized(request)
    services.ack(reader, contract.json_body("ackInbox", request)["cursor"])
    return 204, None
