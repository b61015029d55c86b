"""Claims customers start here and the files they add: queued to the branch's inbox at once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404

from portal.branches.models import Branch
from portal.customers import tasks
from portal.customers.identity import Records, customers_of
from portal.customers.models import CustomerAccount, OnlineClaim, OnlineDocument
from portal.customers.uploads import Refusal, Upload
from portal.inbox.services import queue_item
from portal.problems import Problem
from portal.projections.models import Claim, ClaimDocument, RefusedItem, Warranty
from portal.receiver import documents as stored
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.evidence import evidence_label

# What the till's inbox handler takes (inbox_item.read_text, claims._check_text).
FAULT_LIMIT = 2000
FAULT_MIN = 3
_EMAIL_LIMIT = 200
# The till opens the claim on its own clock, which may be a little behind head office's.
_CLOCK_SLACK = timedelta(days=1)


def _item_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def customer_of(account: CustomerAccount, warranty: Warranty) -> dict[str, str]:
    """Who claims, as the ClaimStarted item's customer: the holder's name, the contact."""
    holder = warranty.customer
    found = {"name": (holder.name if holder is not None else "").strip()[:200] or "Customer"}
    phone = account.phone or (holder.phone if holder is not None else "")
    email = account.email or (holder.email if holder is not None else "")
    if phone:
        found["phone"] = phone
    if email and len(email) <= _EMAIL_LIMIT:  # a longer one the till refuses; never cut
        found["email"] = email
    return found


def _keep(account: CustomerAccount, branch: Branch, files: list[Upload], claim_ref: str, *,
          online: OnlineClaim | None = None, claim: Claim | None = None) -> list[int]:
    """Store each file for the branch and queue it as a document_uploaded item; the items."""
    queued = []
    for upload in files:
        try:
            stored.store(branch, upload.sha256, upload.data)
        except Problem as exc:  # the receiver's own check; ours runs first, so rarely
            raise Refusal(f"{upload.name} was refused: {exc.reason}") from None
        item_id = _item_id("doc")
        OnlineDocument.objects.create(
            account=account, branch=branch, online_claim=online, claim=claim,
            sha256=upload.sha256, name=upload.name, kind=upload.kind,
            media_type=upload.media_type, size=len(upload.data), item_id=item_id)
        queued.append(queue_item(branch, "document_uploaded", {
            "claim_ref": claim_ref, "sha256": upload.sha256, "name": upload.name,
            "kind": upload.kind}, item_id=item_id).pk)
    return queued


@dataclass(frozen=True, slots=True)
class ReturnAsked:
    """A return of a unit bought online: the outcome asked for, who sends it from where."""

    outcome: str
    sender_name: str
    sender_address: str


def start(account: CustomerAccount, warranty: Warranty, fault: str, files: list[Upload],
          returning: ReturnAsked | None = None) -> OnlineClaim:
    """Queue a claim_started item for the warranty's branch, then one item per file; a
    return says so, and the branch opens it as an online claim waiting for the unit.

    All of it commits together or not at all; stored bytes left by a rollback are
    content-addressed and belong to no row, so nothing shows half-saved.
    """
    branch = warranty.branch
    item_id = _item_id("web")
    payload: dict[str, object] = {
        "warranty_code": warranty.code, "claim_type": "fault",
        "fault": fault.strip(), "customer": customer_of(account, warranty)}
    if warranty.serial:
        payload["serial"] = warranty.serial
    if returning is not None:
        payload["return"] = {"outcome": returning.outcome}
    with transaction.atomic():
        online = OnlineClaim.objects.create(
            account=account, branch=branch, warranty=warranty, item_id=item_id,
            fault=str(payload["fault"]),
            **({"preferred_outcome": returning.outcome, "sender_name": returning.sender_name,
                "sender_address": returning.sender_address} if returning else {}))
        queue_item(branch, "claim_started", payload, item_id=item_id)
        # Each file goes as its own item naming what it shows, so the till files it as that
        # evidence (the claim_started item's documents carry hashes only).
        _keep(account, branch, files, item_id, online=online)
    return online


@dataclass(frozen=True, slots=True)
class OwnClaim:
    """A claim of the customer's: started here (online), numbered by the branch (claim), or
    both once the branch's claim came back."""

    online: OnlineClaim | None
    claim: Claim | None
    refused: str = ""  # the branch's reason, when it could not register the online claim

    @property
    def ref(self) -> str:
        """How the branch knows it: its number, else the inbox item that started it."""
        if self.claim is not None:
            return self.claim.number
        assert self.online is not None
        return self.online.item_id

    @property
    def branch(self) -> Branch:
        """The branch that holds the claim."""
        found = self.claim.branch if self.claim is not None else None
        return found or self.online.branch  # type: ignore[union-attr]

    @property
    def state(self) -> str:
        """Where it stands: the branch's state, or received until the branch has it."""
        return self.claim.state if self.claim is not None and self.claim.state else "received"

    @property
    def is_open(self) -> bool:
        """Whether evidence may still be added."""
        return not self.refused and self.state in OPEN_STATES

    @property
    def warranty(self) -> Warranty | None:
        """The unit's warranty."""
        if self.claim is not None and self.claim.warranty is not None:
            return self.claim.warranty
        return self.online.warranty if self.online is not None else None

    @property
    def opened_at(self) -> datetime | None:
        """When it was started."""
        if self.online is not None:
            return self.online.created_at
        return self.claim.opened_at if self.claim is not None else None


def link(online: OnlineClaim) -> Claim | None:
    """The branch's own claim for a claim started here, once it came back (kept when found)."""
    if online.claim_id is None:
        claims = Claim.objects.select_related("branch", "warranty__product").filter(
            branch_id=online.branch_id)
        # The till names the item a claim came from; tills from before it did are matched by
        # warranty, channel and time, never taking a claim that names another item.
        found = claims.filter(external_ref=online.item_id).first()
        if found is None and not _gave_up(online):
            # A claim the branch gave up never came back as one of its claims: by unit and
            # time alone it would take the claim of the next one started on the unit.
            taken = OnlineClaim.objects.exclude(claim=None).values("claim_id")
            found = (claims.filter(warranty_id=online.warranty_id, channel="portal",
                                   external_ref="",
                                   opened_at__gte=online.created_at - _CLOCK_SLACK)
                     .exclude(pk__in=taken).order_by("opened_at").first())
        if found is None:
            return None
        online.claim = found
        online.save(update_fields=["claim"])
        OnlineDocument.objects.filter(online_claim=online).update(claim=found)
    return online.claim


def _gave_up(online: OnlineClaim) -> bool:
    """Whether the branch gave this claim up; read from `started_claims`' annotation when
    the query carried it."""
    annotated = getattr(online, "refused", None)
    if annotated is not None:
        return bool(annotated)
    return RefusedItem.objects.filter(branch_id=online.branch_id, item_id=online.item_id).exists()


def refusal(online: OnlineClaim) -> str:
    """The branch's reason for giving up this online claim; empty unless it did."""
    found = RefusedItem.objects.filter(branch_id=online.branch_id, item_id=online.item_id).first()
    return found.reason if found is not None else ""


def given_up() -> Exists:
    """For an OnlineClaim query: whether its branch gave the item up (no longer open)."""
    return Exists(RefusedItem.objects.filter(branch_id=OuterRef("branch_id"),
                                             item_id=OuterRef("item_id")))


def _theirs(account: CustomerAccount, records: Records | None = None) -> Q:
    # On a unit of the customer this account stands for now, whichever of their contacts
    # started it. Not "started by this account": once the branch merges a duplicate away or
    # changes a contact, the old address holds nothing, not even the claims it started.
    return Q(warranty__customer__in=customers_of(account) if records is None else records)


def own_claim(account: CustomerAccount, branch: str, ref: str) -> OwnClaim:
    """One of the account's claims by branch and number or started-online ref; 404 else.

    By number first: the shop's emails and My products name a claim by it. The claim started
    here that it came from rides along as the number of one (no query when there is none); a
    started-online ref (web-<hex>, never a till's number) is looked up only when no claim of
    the customer's has that number.
    """
    try:
        # get(), not first(): a branch's number is one claim (projected_claim_once), and
        # first() would have the statement ordered all the same.
        claim = (Claim.objects.select_related("branch", "warranty__product", "warranty__branch")
                 .prefetch_related("timeline")
                 .annotate(started_here=Subquery(OnlineClaim.objects.filter(
                     claim=OuterRef("pk")).order_by("pk").values("pk")[:1]),
                           added_here=Exists(OnlineDocument.objects.filter(
                               claim=OuterRef("pk"))))
                 .get(customer__in=customers_of(account), branch__code=branch.upper(),
                      number=ref.upper()))
    except Claim.DoesNotExist:
        claim = None
    if claim is not None:
        started = getattr(claim, "started_here", None)
        online = (OnlineClaim.objects.filter(pk=started).first() if started is not None
                  else _started_as(claim))
        return OwnClaim(online, claim)
    online = (OnlineClaim.objects.select_related("branch", "warranty__product",
                                                 "warranty__branch", "claim")
              .filter(_theirs(account), branch__code=branch.upper(), item_id=ref.lower())
              .first())
    if online is None:
        raise Http404("No such claim among yours.")
    found = link(online)
    return OwnClaim(online, found, "" if found is not None else refusal(online))


def _started_as(claim: Claim) -> OnlineClaim | None:
    """The claim started here that the branch's claim came from, linked now if My products
    had not linked it yet (the claim's page may be opened first, from the shop's email)."""
    waiting = OnlineClaim.objects.filter(branch_id=claim.branch_id, claim=None)
    if claim.external_ref:
        waiting = waiting.filter(item_id=claim.external_ref)
    elif claim.channel == "portal" and claim.warranty_id is not None:
        waiting = waiting.filter(warranty_id=claim.warranty_id).order_by("created_at")
    else:
        return None
    # link() makes the pairing, so it is the one My products would make.
    return next((online for online in waiting if link(online) == claim), None)


def waiting_claims(account: CustomerAccount, records: Records | None = None
                   ) -> list[OnlineClaim]:
    """Claims started here that no claim of the branch's is linked to yet, newest first;
    `refused` says whether the branch gave one up (give `records` from customer_ids when the
    page has them). Most customers have none: their branch and unit come in queries of their
    own when there are some (prefetched), so the query that usually finds none stays narrow."""
    return list(OnlineClaim.objects.prefetch_related("branch", "warranty__product")
                .filter(_theirs(account, records), claim=None).annotate(refused=given_up())
                .order_by("-created_at"))


def started_claims(account: CustomerAccount, waiting: list[OnlineClaim] | None = None
                   ) -> list[OnlineClaim]:
    """Claims started here the branch has not numbered yet, newest first; `refused` says
    whether the branch gave one up (give `waiting` when the page read waiting_claims)."""
    return [online for online in (waiting_claims(account) if waiting is None else waiting)
            if link(online) is None]


@dataclass(frozen=True, slots=True)
class Listed:
    """One document on a claim as the customer sees it."""

    sha256: str
    name: str
    what: str
    by: str  # "you" or "the shop"
    added_at: datetime | None


def documents_of(own: OwnClaim) -> list[Listed]:
    """What was added to the claim and by whom: the customer's uploads, then the shop's.

    A claim from own_claim says whether the customer added anything to it (`added_here`): a
    claim opened at the counter with nothing added here reads no uploads at all.
    """
    mine = Q(online_claim=own.online) if own.online is not None else Q(pk__in=[])
    if own.claim is not None and getattr(own.claim, "added_here", True):
        mine |= Q(claim=own.claim)
    found = [Listed(d.sha256, d.name, evidence_label(d.kind), "you", d.added_at)
             for d in OnlineDocument.objects.filter(mine)]
    seen = {d.sha256 for d in found}
    if own.claim is not None:
        for doc in ClaimDocument.objects.filter(claim=own.claim).order_by("pk"):
            if doc.sha256 not in seen:
                seen.add(doc.sha256)
                found.append(Listed(doc.sha256, evidence_label(doc.kind),
                                    evidence_label(doc.kind), "the shop", None))
    return found


def add_documents(account: CustomerAccount, own: OwnClaim, files: list[Upload]) -> None:
    """Evidence added to an open claim, queued to its branch; the branch is told by email."""
    with transaction.atomic():
        for item in _keep(account, own.branch, files, own.ref, online=own.online,
                          claim=own.claim):
            tasks.tell_branch.defer(item_id=item)
