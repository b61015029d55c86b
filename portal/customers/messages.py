"""Private messages on a claim: the customer writes to the branch, the branch's messages come back.

What the customer wrote is the message_received inbox item itself (the branch pulls it); what the
branch wrote is its projected message.queued. Nothing is kept twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from portal.customers import tasks
from portal.customers.claims import OwnClaim, own_claim
from portal.customers.models import CustomerAccount
from portal.customers.views import customer_page
from portal.errors import PortalInputError
from portal.inbox.models import InboxItem
from portal.inbox.services import queue_item
from warranty_desk import card_numbers

KIND = "message_received"
# A message is a few paragraphs; the till keeps up to 10,000 characters of one.
LONGEST = 5000


@dataclass(frozen=True, slots=True)
class Line:
    """One message of the thread as the customer reads it."""

    at: datetime
    mine: bool
    who: str
    subject: str
    body: str


def _refs(own: OwnClaim) -> list[str]:
    # The branch reads a claim_ref as its number or as the inbox id that started the claim.
    return [ref for ref in (own.claim.number if own.claim else "",
                            own.online.item_id if own.online else "") if ref]


def thread(own: OwnClaim) -> list[Line]:
    """Both sides of the claim's messages, oldest first."""
    shop = own.branch.name or f"Branch {own.branch.code}"
    written = InboxItem.objects.filter(branch_id=own.branch.pk, kind=KIND,
                                       payload__claim_ref__in=_refs(own))
    lines = [Line(item.created_at, True, "You", "", str(item.payload.get("body", "")))
             for item in written]
    if own.claim is not None:
        lines += [Line(m.queued_at, False, shop, m.subject, m.body)
                  for m in own.claim.messages.order_by("queued_at", "pk")]
    return sorted(lines, key=lambda line: line.at)


def check_body(text: str) -> str:
    """The message as it goes to the branch, or why it cannot go (PortalInputError)."""
    body = card_numbers.typed(text.replace("\r\n", "\n"))
    if not body:
        raise PortalInputError("Write your message before sending it.")
    if len(body) > LONGEST:
        raise PortalInputError(f"Your message is {len(body):,} characters long; the shop takes "
                               f"up to {LONGEST:,}. Shorten it, or send it in two parts.")
    return body


def write(own: OwnClaim, text: str) -> InboxItem:
    """Queue the customer's message for the branch and have the branch told by email."""
    body = check_body(text)
    with transaction.atomic():
        item = queue_item(own.branch, KIND, {"claim_ref": own.ref, "body": body})
        tasks.tell_branch.defer(item_id=item.pk)
    return item


@require_http_methods(["GET", "POST"])
@customer_page
def messages(request: HttpRequest, account: CustomerAccount, branch: str, number: str
             ) -> HttpResponse:
    """The claim's messages, and a form to write to the shop."""
    own = own_claim(account, branch, number)
    problem, typed = "", ""
    if request.method == "POST":
        typed = request.POST.get("body", "")
        try:
            write(own, typed)
        except PortalInputError as exc:
            problem = str(exc)
        else:
            url = reverse("customers:messages", args=[own.branch.code, own.ref])
            return redirect(f"{url}?sent=1#write")
    return render(request, "customers/messages.html", {
        "own": own, "lines": thread(own), "problem": problem, "typed": typed,
        "longest": LONGEST, "sent": request.GET.get("sent") == "1" and not problem,
    }, status=400 if problem else 200)
