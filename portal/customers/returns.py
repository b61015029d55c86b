"""Returns of units bought online: asked here, approved here or at the branch, label, steps."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from portal import clock
from portal.customers import claims
from portal.customers.claims import ReturnAsked
from portal.customers.models import OnlineClaim
from portal.customers.timeline import Step
from portal.inbox.services import queue_item
from portal.projections.models import Claim, ClaimEvent, Warranty
from printing.pdf.return_label import ReturnLabelView, address_lines

ONLINE = "online"  # the sale channel of a web shop order, and the claim channel of a return
OUTCOMES = {"repair": "a repair", "replace": "a replacement", "refund": "a refund"}
NAME_LIMIT = 200
ADDRESS_LIMIT = 500


def returnable(warranty: Warranty) -> bool:
    """Whether the unit was bought online, so it may be sent back by post."""
    return warranty.sale_channel == ONLINE


def read_return(post: dict[str, str]) -> tuple[ReturnAsked, list[str]]:
    """The return details a customer sent with the form, and what is wrong with them."""
    outcome = post.get("outcome", "")
    name = post.get("sender_name", "").strip()
    address = "\n".join(line.strip() for line in post.get("sender_address", "").splitlines()
                        if line.strip())
    errors = []
    if outcome not in OUTCOMES:
        errors.append("Choose what you would like: a repair, a replacement or a refund.")
    if not name:
        errors.append("Write your name as it goes on the parcel's sender box.")
    elif len(name) > NAME_LIMIT:
        errors.append(f"The name is {len(name)} characters long; keep it under {NAME_LIMIT}.")
    if len(address) < 5:
        errors.append("Write the address you send the parcel from (street, town, postcode), "
                      "so the shop can send the unit back to you.")
    elif len(address) > ADDRESS_LIMIT:
        errors.append(f"The address is {len(address)} characters long; keep it under "
                      f"{ADDRESS_LIMIT} and send again.")
    return ReturnAsked(outcome, name, address), errors


def _approval_event(claim: Claim | None) -> ClaimEvent | None:
    if claim is None:
        return None
    return next((e for e in claim.timeline.all() if e.topic == "claim.return_approved"), None)


def _received_event(claim: Claim | None) -> ClaimEvent | None:
    if claim is None:
        return None
    return next((e for e in claim.timeline.all() if e.topic == "stock.moved"
                 and isinstance(e.details, dict) and e.details.get("kind") == "return_in"), None)


def own_of(online: OnlineClaim) -> claims.OwnClaim:
    """An online claim as the customer's pages see it (link() it first)."""
    return claims.OwnClaim(online, online.claim)


def is_return(own: claims.OwnClaim) -> bool:
    """Whether the claim is a return of a unit bought online."""
    return own.online is not None and bool(own.online.preferred_outcome)


def awaiting_approval(own: claims.OwnClaim) -> bool:
    """Whether head office may still approve the return: the branch has opened it, nobody
    approved it yet, and it is open."""
    return (is_return(own) and own.claim is not None and own.is_open
            and own.online is not None and own.online.approved_at is None
            and _approval_event(own.claim) is None)


def approve(online: OnlineClaim, who: str) -> None:
    """Head office approves a return: recorded here, queued to the branch, which sends the
    address the label carries (claim.return_approved)."""
    claim = online.claim
    assert claim is not None
    with transaction.atomic():
        online.approved_at, online.approved_by = clock.now(), who[:NAME_LIMIT]
        online.save(update_fields=["approved_at", "approved_by"])
        queue_item(online.branch, "return_approved",
                   {"claim_number": claim.number, "approved_by": online.approved_by},
                   item_id=f"return-{online.item_id}")


def label_of(own: claims.OwnClaim) -> ReturnLabelView | None:
    """The label of an approved return, once the branch said where the unit goes; else None."""
    event = _approval_event(own.claim) if is_return(own) else None
    if event is None or own.claim is None or own.online is None:
        return None
    details = event.details if isinstance(event.details, dict) else {}
    given = details.get("return_to")
    to: dict[str, object] = given if isinstance(given, dict) else {}
    branch = own.claim.branch
    warranty = own.warranty
    online = own.online
    holder = own.claim.customer
    return ReturnLabelView(
        claim_number=own.claim.number,
        product_name=warranty.product.name if warranty and warranty.product else "Product",
        to_name=str(to.get("name") or branch.name or f"Branch {branch.code}"),
        to_lines=address_lines(str(to.get("address") or "")),
        to_phone=str(to.get("phone") or ""),
        from_name=online.sender_name or (holder.name if holder is not None else ""),
        from_lines=address_lines(online.sender_address),
        approved_on=timezone.localtime(event.occurred_at).date())


def _step(at: datetime, title: str, wording: str) -> Step:
    return Step(at, title, wording)


def return_steps(own: claims.OwnClaim, later: list[Step]) -> list[Step]:
    """A return's own steps (asked, approved, label, unit received) before the claim's: the
    claim moves on only once its unit is in (the till's rule), so this is their order
    whatever each clock said; the branch's "Received" of the claim is the request, said once."""
    online = own.online
    assert online is not None
    wanted = OUTCOMES.get(online.preferred_outcome, "an outcome")
    found = [_step(online.created_at, "Return requested",
                   f"You asked to send the unit back, and asked for {wanted}.")]
    approved = _approval_event(own.claim)
    if online.approved_at is not None:
        found.append(_step(online.approved_at, "Return approved",
                           "Head office approved the return."))
    elif approved is not None:
        found.append(_step(approved.occurred_at, "Return approved",
                           "The shop approved the return."))
    if approved is not None:
        found.append(_step(approved.occurred_at, "Return label ready",
                           "Download the label below, stick it on the parcel and send it."))
    received = _received_event(own.claim)
    if received is not None:
        found.append(_step(received.occurred_at, "Unit received",
                           "The shop has your unit; the claim goes on from here."))
    rest = [s for s in later if s.title != "Received"]
    return found + rest


def now_words(own: claims.OwnClaim) -> tuple[str, str, str] | None:
    """The return's own title, wording and what next while the unit is on its way; None once
    the shop has it (the claim's own words then)."""
    if not is_return(own) or own.refused or own.state != "received":
        return None
    if _received_event(own.claim) is not None:
        return None
    if label_of(own) is not None:
        return ("Waiting for your unit", "The return is approved and your label is ready.",
                "Print the label, stick it on the parcel and send it. The shop tells you "
                "when it arrives.")
    if own.online is not None and own.online.approved_at is not None:
        return ("Return approved", "Head office approved the return.",
                "Your label is ready here as soon as the shop confirms where the parcel goes, "
                "usually within a working day.")
    return ("Return requested", "The shop has your request to send the unit back.",
            "Head office or the shop checks it, usually within two working days; then your "
            "return label is ready here.")

