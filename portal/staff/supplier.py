"""Supplier contacts at head office: the brand claims they may see (their supplier's only), the
updates they send to a brand claim's branch, and how far each update has got."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from portal import clock
from portal.customers.uploads import Refusal, check
from portal.errors import PortalInputError
from portal.inbox.models import InboxItem
from portal.inbox.services import queue_item
from portal.problems import Problem
from portal.projections.models import BrandClaim, BrandClaimLine, RefusedItem
from portal.receiver import documents as stored
from portal.staff.models import Role, StaffMember, SupplierUpdate
from warranty_desk import card_numbers
from warranty_desk.money import MoneyError, parse_typed
from warranty_desk.rules.brand_status import BRAND_STATUSES, brand_status_words
from warranty_desk.rules.document_types import MAX_BYTES

# What the till keeps (BrandClaim.external_id, brand_claims.MAX_NOTE, Settlement.reference).
CLAIM_ID_LIMIT = 64
NOTE_LIMIT = 1000
REFERENCE_LIMIT = 64
# How the upload checks name the report in their words (the till files it as a technician's
# report on each claim: inbox_brand.REPORT_KIND).
REPORT_KIND = "supplier_report"
# A brand claim projected before the till sent its currency is read as two decimals.
_DEFAULT_CURRENCY = "EUR"


def brand_claims_for(member: StaffMember) -> QuerySet[BrandClaim]:
    """The brand claims this person may see: all for head-office staff, a supplier contact's
    own supplier's only."""
    found = BrandClaim.objects.select_related("branch")
    if member.role == Role.SUPPLIER:
        return found.filter(supplier__iexact=member.supplier)
    return found


def brand_claim_or_404(member: StaffMember, code: str, number: str) -> BrandClaim:
    """One brand claim this person may see; another supplier's is not found, as if absent."""
    found = brand_claims_for(member).filter(branch__code=code.upper(),
                                            number=number.upper()).first()
    if found is None:
        raise Http404(f"No brand claim {number} of branch {code} is open to you.")
    return found


def entered_by(member: StaffMember) -> str:
    """Where an update came from, as the branch keeps it beside the update."""
    return f"head office portal, supplier contact {member.user.get_username()}"


def _plain(text: str) -> str:
    # One line, no control characters: it goes into the branch's records as typed.
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _send(member: StaffMember, row: BrandClaim, kind: str, details: dict[str, Any],
          report: tuple[str, bytes] | None = None) -> SupplierUpdate:
    """Queue one brand_status item and keep who sent it: both, or neither."""
    now = clock.now()
    by = entered_by(member)
    item_id = f"supplier-{uuid.uuid4().hex}"
    payload = {"claim_number": row.number, **details, "entered_by": by,
               "entered_at": now.isoformat()}
    with transaction.atomic():
        if report is not None:
            try:
                stored.store(row.branch, report[0], report[1])
            except Problem as exc:  # the receiver's own check; ours runs first, so rarely
                raise PortalInputError(exc.reason) from None
        queue_item(row.branch, "brand_status", payload, item_id=item_id, created_at=now)
        return SupplierUpdate.objects.create(
            branch=row.branch, brand_claim_number=row.number, supplier=row.supplier,
            author=member.user, entered_by=by, kind=kind, details=details,
            inbox_item=item_id, created_at=now)


def send_status(member: StaffMember, row: BrandClaim, status: str, note: str) -> SupplierUpdate:
    """The brand's status of the brand claim, with a note for the branch."""
    key = status.strip().lower().replace(" ", "_")
    if brand_status_words(key) is None:
        raise PortalInputError(f"{_plain(status)[:60]!r} is not a status the branches know. "
                               f"Pick one of: {', '.join(BRAND_STATUSES)}.")
    if key == row.status:
        raise PortalInputError(f"The brand claim is {key.replace('_', ' ')} already, as far "
                               "as head office knows; nothing was sent.")
    details: dict[str, Any] = {"status": key}
    if note.strip():
        details["note"] = _note(note)
    return _send(member, row, SupplierUpdate.Kind.STATUS, details)


def _note(note: str) -> str:
    text = card_numbers.typed(note)
    if len(text) > NOTE_LIMIT:
        raise PortalInputError(f"The note is {len(text):,} characters long; keep it under "
                               f"{NOTE_LIMIT:,} (the branch keeps no more).")
    return text


def send_claim_id(member: StaffMember, row: BrandClaim, claim_id: str) -> SupplierUpdate:
    """The supplier's own id for the brand claim (it replaces any the branch holds)."""
    value = _plain(claim_id)
    if not value:
        raise PortalInputError("Type your claim ID: the reference your system gave this "
                               "brand claim.")
    if len(value) > CLAIM_ID_LIMIT:
        raise PortalInputError(f"Your claim ID is {len(value)} characters long; the branch "
                               f"keeps at most {CLAIM_ID_LIMIT}. Give the short reference.")
    if value == row.external_id:
        raise PortalInputError(f"The brand claim already carries your claim ID {value}; "
                               "nothing was sent.")
    return _send(member, row, SupplierUpdate.Kind.CLAIM_ID, {"set_brand_claim_id": value})


def send_report(member: StaffMember, row: BrandClaim, upload: UploadedFile | None
                ) -> SupplierUpdate:
    """The supplier's report, a PDF or a photo, checked like a customer's upload."""
    if upload is None:
        raise PortalInputError("Choose the report to upload (a PDF or a photo).")
    size = upload.size or 0
    try:  # a file past the limit is refused unread
        checked = check(upload.name or "", REPORT_KIND,
                        upload.read() if size <= MAX_BYTES else b"", size)
    except Refusal as exc:
        raise PortalInputError(str(exc)) from None
    return _send(member, row, SupplierUpdate.Kind.REPORT,
                 {"document": {"sha256": checked.sha256, "name": checked.name}},
                 report=(checked.sha256, checked.data))


def send_proposal(member: StaffMember, row: BrandClaim, amount: str, reference: str,
                  note: str) -> SupplierUpdate:
    """What the supplier proposes to pay; the branch's finance person decides."""
    currency = row.currency or _DEFAULT_CURRENCY
    try:
        minor = parse_typed(amount, currency)
    except MoneyError as exc:
        raise PortalInputError(f"The amount: {exc}") from None
    if minor < 1:
        raise PortalInputError("The amount is nothing; propose what your company will pay.")
    ref = _plain(reference)
    if len(ref) > REFERENCE_LIMIT:
        raise PortalInputError(f"The reference is {len(ref)} characters long; the branch keeps "
                               f"at most {REFERENCE_LIMIT}.")
    proposal: dict[str, Any] = {"amount_minor": minor}
    if ref:
        proposal["reference"] = ref
    if note.strip():
        proposal["note"] = _note(note)
    return _send(member, row, SupplierUpdate.Kind.PROPOSAL, {"proposal": proposal})


@dataclass(frozen=True, slots=True)
class SentUpdate:
    """An update as the brand claim's page shows it: what, who, when, and how far it got."""

    update: SupplierUpdate
    state: str  # sent | received | applied | refused
    words: str


def sent_updates(row: BrandClaim) -> list[SentUpdate]:
    """The updates sent about a brand claim, oldest first, each with how far it has got: sent,
    taken by the branch (its cursor is past the item), applied (an event of the brand claim
    names the item), or refused (the branch's reason)."""
    updates = list(SupplierUpdate.objects.select_related("author").filter(
        branch_id=row.branch_id, brand_claim_number=row.number))
    ids = [u.inbox_item for u in updates]
    if not ids:
        return []
    applied = {str(line["details__inbox_item"]): line["occurred_at"] for line in
               BrandClaimLine.objects.filter(brand_claim=row, details__inbox_item__in=ids)
               .values("details__inbox_item", "occurred_at")}
    refused = dict(RefusedItem.objects.filter(branch_id=row.branch_id, item_id__in=ids)
                   .values_list("item_id", "reason"))
    positions = dict(InboxItem.objects.filter(branch_id=row.branch_id, item_id__in=ids)
                     .values_list("item_id", "position"))
    acked = row.branch.inbox_acked
    shown = []
    for update in updates:
        item = update.inbox_item
        if item in refused:
            shown.append(SentUpdate(update, "refused", "The branch could not apply it: "
                                    f"{refused[item]}"))
        elif item in applied:
            shown.append(SentUpdate(update, "applied", "Applied at the branch "
                                    f"({applied[item]:%d %b %Y %H:%M} UTC)."))
        elif positions.get(item, acked + 1) <= acked:
            shown.append(SentUpdate(update, "received", "The branch has it; the brand claim "
                                    "shows it once the branch's next sync comes in."))
        else:
            shown.append(SentUpdate(update, "sent", "Sent to the branch; it arrives at the "
                                    "branch's next sync."))
    return shown
