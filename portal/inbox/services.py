"""Queueing items for a branch, and reading and acknowledging them by cursor."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from portal import clock, contract
from portal.branches.models import Branch
from portal.errors import PortalInputError
from portal.inbox.models import InboxItem
from portal.problems import Problem

_CURSOR = re.compile(r"^p(\d{1,18})$")


def kinds() -> list[str]:
    """The item kinds the contract knows."""
    schemas = contract.document()["components"]["schemas"]
    kind_schema = schemas["InboxItemBase"]["properties"]["kind"]
    return list(kind_schema["enum"])


def payload_schema(kind: str) -> str:
    """The contract's schema for a kind's payload: claim_started -> ClaimStarted."""
    return "".join(part.capitalize() for part in kind.split("_"))


def queue_item(branch: Branch, kind: str, payload: dict[str, Any], *,
               item_id: str | None = None, created_at: datetime | None = None) -> InboxItem:
    """Put an item in the branch's inbox, after every item queued before it."""
    if kind not in kinds():
        raise PortalInputError(f"{kind!r} is not an inbox item kind; use one of "
                               f"{', '.join(kinds())}.")
    try:
        contract.check(contract.validator(contract.schema_pointer(payload_schema(kind))),
                       payload, f"The {kind} item")
    except Problem as exc:
        raise PortalInputError(exc.reason) from None
    with transaction.atomic():
        locked = Branch.objects.select_for_update().get(pk=branch.pk)
        locked.inbox_queued += 1
        locked.save(update_fields=["inbox_queued"])
        return InboxItem.objects.create(
            branch=locked, position=locked.inbox_queued, item_id=item_id or uuid.uuid4().hex,
            kind=kind, created_at=created_at or clock.now(), payload=payload)


def cursor_text(position: int) -> str:
    """The opaque cursor of a position."""
    return f"p{position}"


def position_of(cursor: str, field: str = "after") -> int:
    """The position a cursor names; Problem 400 (naming `field`) for one the portal never gave."""
    found = _CURSOR.match(cursor)
    if found is None:
        raise Problem(400, f"{cursor[:60]!r} is not an inbox cursor this portal gave. Read "
                           "the inbox from the start (no cursor) to get a fresh one.",
                      code="bad_cursor", field=field)
    return int(found.group(1))


@dataclass(frozen=True, slots=True)
class Page:
    """Items after a cursor, the cursor after them, and whether more wait."""

    items: list[InboxItem]
    cursor: str
    more: bool


def page(branch: Branch, after: str | None, limit: int) -> Page:
    """Items after `after`, or after the acknowledged position when there is none.

    A cursor never expires: it is a position in the branch's one sequence of items (all kinds
    alike), and items are never removed before they are acknowledged. A cursor past the last
    item queued was never given by this portal (a till restored against another head office,
    or head office restored from a backup): bad_cursor, so the till reads from its last
    acknowledgement again rather than waiting past items it has not seen.
    """
    start = position_of(after) if after else branch.inbox_acked
    if after and start > branch.inbox_queued:
        raise Problem(400, f"Cursor {after} is past the end of the inbox; this portal never "
                           "gave it. Read the inbox from the start (no cursor) to carry on "
                           "from the last acknowledgement.", code="bad_cursor", field="after")
    rows = list(InboxItem.objects.filter(branch=branch, position__gt=start)
                .order_by("position")[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, cursor_text(rows[-1].position if rows else start), more)


def ack(branch: Branch, cursor: str) -> None:
    """Everything up to the cursor is applied; an older cursor than the last one changes nothing."""
    position = position_of(cursor, "/cursor")
    with transaction.atomic():
        locked = Branch.objects.select_for_update().get(pk=branch.pk)
        if position > locked.inbox_queued:
            raise Problem(400, f"Cursor {cursor} is past the end of the inbox; acknowledge "
                               "only a cursor the portal gave.", code="bad_cursor",
                          field="/cursor")
        if position > locked.inbox_acked:
            locked.inbox_acked = position
            locked.save(update_fields=["inbox_acked"])
