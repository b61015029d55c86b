"""Pulling the portal inbox: pages after the kept cursor, each item applied once, then acked.

Crash-safe at every step: an item and its InboxApplied row commit together, the page's cursor
commits with the page's last item, and the ack comes after. Whatever is read again after a
crash is recognised by item id and changes nothing; an ack lost in a crash is sent next pull.
The kept cursor never passes an item still waiting (see warranty_desk.services.inbox), since
the portal does not send an item again once its cursor is acknowledged.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sync.contract import TransientError
from sync.failures import Kind, kind_of
from sync.http import HttpClient
from sync.portal import PortalRefused, check_answer, not_the_portal, portal_json
from warranty_desk.errors import BadInput
from warranty_desk.sentences import sentences
from warranty_desk.services import inbox
from warranty_desk.services.inbox import DocumentUnavailable, InboxItemInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

log = logging.getLogger(__name__)

SOURCE = "portal"
# The portal's own default page; a page of claims keeps each write short for the tills.
PAGE_SIZE = 100
# Pages read per pull at most, so one pull after a long time offline still ends; the next pull
# carries on from the kept cursor.
MAX_PAGES = 50


@dataclass(frozen=True, slots=True)
class InboxPage:
    """One page of the inbox: its items, the cursor after them, and whether more follow."""

    items: tuple[InboxItemInput, ...]
    cursor: str
    more: bool


class InboxSource(Protocol):
    """Where the inbox comes from: the portal over HTTP, or a stand-in in tests."""

    def page(self, after: str, limit: int) -> InboxPage:
        """The items after a cursor ("" for the start)."""
        ...

    def ack(self, cursor: str) -> None:
        """Say everything up to the cursor is applied."""
        ...

    def document(self, sha256: str) -> bytes:
        """A document an item names; DocumentUnavailable when it cannot be had now."""
        ...


@dataclass(frozen=True, slots=True)
class PullReport:
    """What one pull did, in lines the sync panel shows as they are."""

    pages: int = 0
    applied: int = 0
    repeated: int = 0
    problems: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()
    cursor: str = ""  # kept after this pull
    acked: str = ""  # the cursor acknowledged in this pull, if any
    error: str = ""  # why the pull stopped early; what was applied before stays applied
    error_kind: Kind | None = None  # what the error means (sync.failures), when there is one
    # Items given up (this pull or before) that no person has dealt with yet: counted at every
    # pull, so they are not said once and forgotten. Customers' requests are counted apart.
    unusable: int = 0
    requests: int = 0  # a customer asked online for what staff do at the counter


def _fallback_id(raw: object) -> str:
    # An item without a usable id still needs a stable key, so reading it again changes nothing.
    text = json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)
    return "unreadable-" + hashlib.sha256(text.encode()).hexdigest()[:40]


def _item(raw: object) -> InboxItemInput:
    if not isinstance(raw, dict):
        return InboxItemInput(_fallback_id(raw), "unreadable", None, source=SOURCE)
    item_id, kind = raw.get("id"), raw.get("kind")
    if not isinstance(item_id, str) or not 1 <= len(item_id) <= 64:
        item_id = _fallback_id(raw)
    created = raw.get("created_at")
    try:
        created_at = datetime.fromisoformat(created) if isinstance(created, str) else None
    except ValueError:
        created_at = None
    return InboxItemInput(item_id, kind if isinstance(kind, str) else "unreadable",
                          raw.get("payload"), created_at, SOURCE)


def parse_page(body: object, who: str = "The portal") -> InboxPage:
    """An inbox page from its JSON; a page that does not keep to the contract is refused whole."""
    if (not isinstance(body, dict) or not isinstance(body.get("items"), list)
            or not isinstance(body.get("cursor"), str) or not isinstance(body.get("more"), bool)
            or len(body["cursor"]) > 200):
        raise BadInput(f"{who} sent an inbox page Warranty Desk cannot read (it needs items, "
                       "cursor and more). Nothing was applied; tell head office if this stays.")
    return InboxPage(tuple(_item(raw) for raw in body["items"]), body["cursor"], body["more"])


class PortalInbox:
    """The inbox, acks and documents of one branch on the portal, over the shared HttpClient."""

    def __init__(self, client: HttpClient, branch: str) -> None:
        self.client = client
        self.branch = branch

    def page(self, after: str, limit: int = PAGE_SIZE) -> InboxPage:
        """GET /branches/{branch}/inbox?after=&limit=."""
        params: dict[str, Any] = {"limit": limit}
        if after:
            params["after"] = after
        response = self.client.request("GET", f"/branches/{self.branch}/inbox", params=params)
        try:
            check_answer(response, self.client.who,
                         f"to read the inbox after cursor {after or '(start)'!r}")
        except PortalRefused as exc:
            raise PortalRefused(sentences(str(exc), "Tell head office; nothing was applied."),
                                code=exc.code, status=exc.status) from None
        return parse_page(portal_json(response, self.client.who), self.client.who.capitalize())

    def ack(self, cursor: str) -> None:
        """POST /branches/{branch}/inbox/ack."""
        body = json.dumps({"cursor": cursor}).encode()
        response = self.client.request("POST", f"/branches/{self.branch}/inbox/ack", data=body,
                                       content_type="application/json")
        check_answer(response, self.client.who, f"the inbox cursor {cursor!r}", ok=(200, 204))

    def document(self, sha256: str) -> bytes:
        """GET /documents/{sha256}; anything short of the bytes leaves the item waiting."""
        try:
            response = self.client.request("GET", f"/documents/{sha256}")
            check_answer(response, self.client.who, f"document {sha256[:12]}…")
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if media != "application/octet-stream":  # a sign-in page is no document
                raise not_the_portal(response, self.client.who)
        except (TransientError, BadInput) as exc:
            raise DocumentUnavailable(str(exc)) from None
        return response.content


def pull_once(
    db: Database, client: InboxSource, *, documents: DocumentStore,
    page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES,
) -> PullReport:
    """Read and apply the inbox after the kept cursor, keep the new cursor, and acknowledge it."""
    kept = inbox.stored_cursor(db, SOURCE)
    after, hold = kept, False
    pages = applied = repeated = 0
    problems: list[str] = []
    waiting: list[str] = []
    error, kind = "", None
    try:
        for _ in range(max_pages):
            try:
                page = client.page(after, page_size)
            except PortalRefused as exc:
                if exc.code != "bad_cursor" or not after:
                    raise
                # The portal never gave the kept cursor (it, or this till, was restored from a
                # backup): read again from its last acknowledgement; items already applied are
                # known by their ids and applied once.
                log.warning("The portal refused the kept inbox cursor %r; reading again from "
                            "its last acknowledgement.", after)
                after = kept = ""
                # Forgotten, so a pull that ends before keeping a new one (an item waits)
                # does not meet the refused cursor again next time.
                inbox.save_cursor(db, SOURCE, "")
                continue
            pages += 1
            for index, item in enumerate(page.items):
                last = index == len(page.items) - 1
                # The cursor goes with the page's last item, unless something before it waits.
                result = inbox.apply_item(
                    db, item, documents=documents, fetch_document=client.document,
                    cursor=page.cursor if last and not hold else None)
                if not result.settled:
                    hold = True
                    waiting.append(result.message)
                elif result.repeated:
                    repeated += 1
                elif result.status == "problem":
                    problems.append(result.message)
                else:
                    applied += 1
            if not hold and page.cursor != kept:
                if not page.items:
                    inbox.save_cursor(db, SOURCE, page.cursor)
                kept = page.cursor
            if not page.more or page.cursor == after:  # the same cursor again: nothing new
                break
            after = page.cursor
    except (TransientError, BadInput) as exc:
        error, kind = str(exc), kind_of(exc)
    acked = ""
    if kept:
        # Also sent when nothing moved: an ack lost to a crash or a dropped line is made good.
        try:
            client.ack(kept)
            acked = kept
        except (TransientError, BadInput) as exc:
            if not error:
                error = f"The inbox was applied, but the acknowledgement failed: {exc}"
                kind = kind_of(exc)
    requests = inbox.open_request_count(db)
    report = PullReport(pages, applied, repeated, tuple(problems), tuple(waiting), kept, acked,
                        error, kind, inbox.open_problem_count(db) - requests, requests)
    if error:
        log.warning("Inbox pull stopped: %s", error)
    return report
