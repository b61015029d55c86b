"""A claim with its timeline and documents, a customer in every branch, a warranty."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal import clock
from portal.customers import returns
from portal.customers.claims import link
from portal.customers.models import OnlineClaim
from portal.inbox.services import queue_item
from portal.projections.cover import standing
from portal.projections.models import BrandClaim, Claim, Customer, Warranty
from portal.receiver.models import Document
from portal.staff.models import RelayedMessage
from portal.staff.roles import EVERYONE, MESSAGES, RETURNS, allow, member_of
from portal.staff.timeline import describe, describe_brand
from warranty_desk import card_numbers

MAX_MESSAGE = 10_000


class RelayForm(forms.Form):
    """What a customer told head office about a claim."""

    body = forms.CharField(label="The customer's message", max_length=MAX_MESSAGE,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Write what the customer said.",
                                           "max_length": "Keep it under 10,000 characters; "
                                                         "pass a longer text on in parts."})

    def clean_body(self) -> str:
        # A card number read out on the phone is never relayed or kept (PCI DSS).
        return card_numbers.typed(self.cleaned_data["body"])


def _claim(code: str, number: str) -> Claim:
    claim = (Claim.objects.select_related("branch", "customer", "warranty__product")
             .filter(branch__code=code.upper(), number=number.upper()).first())
    if claim is None:
        raise Http404(f"No claim {number} has come from branch {code}.")
    return claim


@require_GET
@allow(*EVERYONE)
def claim(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """The claim with its timeline, documents and messages."""
    return render(request, "office/claim.html", _claim_context(request, _claim(code, number)))


def _claim_context(request: HttpRequest, found: Claim, form: RelayForm | None = None
                   ) -> dict[str, Any]:
    documents = list(found.documents.order_by("kind", "sha256"))
    held = set(Document.objects.filter(branch_id=found.branch_id,
                                       sha256__in=[d.sha256 for d in documents])
               .values_list("sha256", flat=True))
    timeline = [describe(line) for line in found.timeline.all()]
    member = member_of(request)
    online = _return_of(found)
    return {
        "online_return": online,
        "can_approve_return": (online is not None and member is not None
                               and member.role in RETURNS
                               and returns.awaiting_approval(returns.own_of(online))),
        "claim": found, "timeline": timeline,
        "brand_claims": [(b, [describe_brand(line, b.currency) for line in b.lines.all()])
                         for b in BrandClaim.objects.prefetch_related("lines").filter(
                             branch_id=found.branch_id, claim_numbers__contains=[found.number])
                         .order_by("opened_at", "number")],
        "documents": [(d, d.sha256 in held) for d in documents],
        "claim_messages": list(found.messages.order_by("queued_at")),
        "relayed": list(RelayedMessage.objects.select_related("author")
                        .filter(branch_id=found.branch_id, claim_number=found.number)),
        "can_relay": member is not None and member.role in MESSAGES,
        "form": form or RelayForm(),
    }


@require_POST
@allow(*MESSAGES)
def relay(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """Pass a customer's message to the claim's branch (it lands on the claim at the till)."""
    found = _claim(code, number)
    form = RelayForm(request.POST)
    if not form.is_valid():
        return render(request, "office/claim.html", _claim_context(request, found, form),
                      status=400)
    item_id = f"relay-{uuid.uuid4().hex}"
    with transaction.atomic():
        queue_item(found.branch, "message_received",
                   {"claim_ref": found.number, "body": form.cleaned_data["body"]},
                   item_id=item_id)
        RelayedMessage.objects.create(branch=found.branch, claim_number=found.number,
                                      author=cast(User, request.user),
                                      body=form.cleaned_data["body"], inbox_item=item_id,
                                      created_at=clock.now())
    messages.success(request, f"The message is on its way to branch {found.branch.code}; it "
                              f"reaches claim {found.number} at the till's next sync.")
    return redirect("office:claim", code=found.branch.code, number=found.number)


def _return_of(found: Claim) -> OnlineClaim | None:
    """The return a customer asked for online that this claim was opened from; None else."""
    if found.channel != returns.ONLINE or not found.external_ref:
        return None
    online = OnlineClaim.objects.select_related("branch", "claim").filter(
        branch_id=found.branch_id, item_id=found.external_ref).first()
    if online is None or link(online) is None:
        return None
    return online


@require_POST
@allow(*RETURNS)
def approve_return(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """Approve an online return: the branch is told, and the customer's label follows."""
    found = _claim(code, number)
    online = _return_of(found)
    if online is None or not returns.awaiting_approval(returns.own_of(online)):
        messages.error(request, f"Claim {found.number} has no return waiting for approval: it "
                                "was approved already, is closed, or is no online return.")
        return redirect("office:claim", code=found.branch.code, number=found.number)
    user = cast(User, request.user)
    returns.approve(online, user.get_full_name() or user.get_username())
    messages.success(request, f"Return approved. Branch {found.branch.code} records it at the "
                              "till's next sync; the customer's label is ready then.")
    return redirect("office:claim", code=found.branch.code, number=found.number)


def same_person(customer: Customer) -> Q:
    """The same person at any branch: the same reference at the branch, phone or email;
    never a duplicate a branch merged away (its rows are the kept record's)."""
    match = Q(pk=customer.pk)
    if len(customer.phone_digits) >= 6:
        match |= Q(phone_digits=customer.phone_digits)
    if customer.email:
        match |= Q(email__iexact=customer.email)
    return match & (Q(pk=customer.pk) | Q(merged_into=""))


@require_GET
@allow(*EVERYONE)
def customer(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """The customer with every purchase and claim, at this branch and any other."""
    found = (Customer.objects.select_related("branch")
             .filter(branch__code=code.upper(), reference=reference).first())
    if found is None:
        raise Http404(f"No customer {reference} has come from branch {code}.")
    if found.merged_into:
        messages.info(request, f"Branch {found.branch.code} merged customer {found.reference} "
                               f"into {found.merged_into}: this is that customer.")
        return redirect("office:customer", code=found.branch.code, reference=found.merged_into)
    people = list(Customer.objects.select_related("branch").filter(same_person(found))
                  .order_by("branch__code", "reference"))
    ids = [p.pk for p in people]
    warranties = list(Warranty.objects.select_related("branch", "product")
                      .filter(customer_id__in=ids).order_by("-start_on", "code"))
    claims = list(Claim.objects.select_related("branch", "warranty__product")
                  .filter(customer_id__in=ids).order_by("-opened_at", "number"))
    return render(request, "office/customer.html", {
        "customer": found, "people": people, "warranties": warranties, "claims": claims,
        "others": [p for p in people if p.pk != found.pk],
        "today": clock.today()})


@require_GET
@allow(*EVERYONE)
def warranty(request: HttpRequest, code: str, warranty_code: str) -> HttpResponse:
    """One warranty: its cover layers, customer and claims."""
    found = (Warranty.objects.select_related("branch", "product", "customer")
             .prefetch_related("layers")
             .filter(branch__code=code.upper(), code=warranty_code.upper()).first())
    if found is None:
        raise Http404(f"No warranty {warranty_code} has come from branch {code}.")
    claims = list(found.claims.order_by("-opened_at", "number"))
    return render(request, "office/warranty.html", {
        "warranty": found, "claims": claims,
        "standing": standing(found, clock.today())})
