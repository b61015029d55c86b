"""Renewal and extension: the plans each product may take, by the till's own eligibility rule,
and a purchase request for the branch (paid at the shop, or online through a PaymentProvider).

The branch activates the extension at its till; the new cover shows on the card once its
warranty.extended event is projected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from portal import clock
from portal.customers.models import CustomerAccount
from portal.customers.payments import provider
from portal.customers.views import customer_page, own_warranties, own_warranty
from portal.errors import PortalInputError
from portal.inbox.models import InboxItem
from portal.inbox.services import queue_item
from portal.projections.models import ExtensionPlan, Warranty
from warranty_desk.money import for_people
from warranty_desk.rules.coverage import LayerKind, LayerSpan, extension_layer
from warranty_desk.rules.extension import ExtensionEligibility, extension_eligibility

KIND = "extension_requested"
# How head office writes prices: the shops' currency in British English (the portal's locale).
LOCALE = "en_GB"
_PENDING = "extension_checkouts"  # session key: payments begun, by the provider's reference


@dataclass(frozen=True, slots=True)
class Offer:
    """One plan for one warranty: whether it may be bought today, why, and what it gives."""

    plan: ExtensionPlan
    verdict: ExtensionEligibility
    new_end: date | None
    price: str

    @property
    def months(self) -> str:
        """The plan's length in words."""
        return f"{self.plan.months} month{'s' if self.plan.months != 1 else ''}"


@dataclass(frozen=True, slots=True)
class Asked:
    """A request the customer made and the branch has not acted on yet."""

    plan_name: str
    at: datetime
    paid_online: bool


def price_text(minor: int, currency: str) -> str:
    """A price as the customer reads it."""
    return for_people(minor, currency, LOCALE) if currency else f"{minor / 100:.2f}"


def _spans(warranty: Warranty) -> list[LayerSpan]:
    known = {kind.value for kind in LayerKind}
    return [LayerSpan(LayerKind(layer.kind) if layer.kind in known else LayerKind.SHOP,
                      layer.start_on, layer.end_on) for layer in warranty.layers.all()]


def offer(warranty: Warranty, plan: ExtensionPlan, today: date) -> Offer:
    """The plan for this warranty today, judged by the rule the till's counter uses."""
    spans = _spans(warranty)
    price = price_text(plan.price_minor, plan.currency)
    if warranty.price_minor is None or not spans:
        return Offer(plan, ExtensionEligibility(
            False, "The shop has not sent this sale's details to head office yet; ask the "
                   "shop about extending it."), None, price)
    sold_on = min(span.start for span in spans)
    verdict = extension_eligibility(
        plan.terms(), category=warranty.category, unit_price_minor=warranty.price_minor,
        sale_date=sold_on, today=today,
        already_extended=any(span.kind is LayerKind.EXTENSION for span in spans),
        void=warranty.status == "void",
        money=lambda minor: price_text(minor, plan.currency))
    return Offer(plan, verdict, extension_layer(spans, plan.months).end, price)


def offers(warranty: Warranty, today: date) -> list[Offer]:
    """Every plan the warranty's branch sells, each judged for it."""
    plans = ExtensionPlan.objects.filter(branch_id=warranty.branch_id, active=True)
    return [offer(warranty, plan, today) for plan in plans.order_by("price_minor", "name")]


def asked(warranty: Warranty) -> list[Asked]:
    """The customer's requests on this warranty that no extension has answered yet."""
    if any(layer.kind == "extension" for layer in warranty.layers.all()):
        return []
    items = InboxItem.objects.filter(branch_id=warranty.branch_id, kind=KIND,
                                     payload__warranty_code=warranty.code)
    return [Asked(str(i.payload.get("plan_name", "")), i.created_at,
                  i.payload.get("payment") == "paid_online") for i in items.order_by("position")]


def request_extension(warranty: Warranty, plan: ExtensionPlan, *, payment_ref: str = "",
                      item_id: str | None = None) -> InboxItem:
    """Ask the branch to sell the plan on the warranty; refused if it may not be bought.

    A paid request always goes: the branch sees the payment and sells the plan or refunds it.
    """
    chosen = offer(warranty, plan, clock.today())
    if not chosen.verdict.eligible and not payment_ref:
        raise PortalInputError(f"{plan.name} cannot be bought for this product: "
                               f"{chosen.verdict.reason}")
    payload: dict[str, object] = {
        "warranty_code": warranty.code, "plan_code": plan.code, "plan_name": plan.name,
        "price_minor": plan.price_minor,
        "payment": "paid_online" if payment_ref else "at_shop"}
    if payment_ref:
        payload["payment_ref"] = payment_ref
    return queue_item(warranty.branch, KIND, payload, item_id=item_id)


# -- pages -----------------------------------------------------------------------------------


def _plan(warranty: Warranty, code: str) -> ExtensionPlan:
    found = ExtensionPlan.objects.filter(branch_id=warranty.branch_id, code=code,
                                         active=True).first()
    if found is None:
        raise Http404("The shop does not sell that plan.")
    return found


@require_GET
@customer_page
def extensions(request: HttpRequest, account: CustomerAccount) -> HttpResponse:
    """Each product with the plans it may take today, and the requests waiting at the shop."""
    today = clock.today()
    return render(request, "customers/extensions.html", {
        "rows": [(w, offers(w, today), asked(w)) for w in own_warranties(account)],
        "asked_now": request.GET.get("asked") == "1"})


@require_http_methods(["GET", "POST"])
@customer_page
def extension(request: HttpRequest, account: CustomerAccount, branch: str, code: str,
              plan: str) -> HttpResponse:
    """One plan for one product: its price and terms, then how to pay, before anything is paid."""
    warranty = own_warranty(account, branch, code)
    chosen = offer(warranty, _plan(warranty, plan), clock.today())
    online = provider()
    problem = ""
    if request.method == "POST":
        how = request.POST.get("payment", "")
        if how not in ("at_shop", "online") or (how == "online" and online is None):
            problem = "Choose how you will pay: at the shop, or online now."
        elif not chosen.verdict.eligible:
            problem = f"This plan cannot be bought for this product: {chosen.verdict.reason}"
        elif how == "at_shop":
            with transaction.atomic():
                request_extension(warranty, chosen.plan)
            return redirect(reverse("customers:extensions") + "?asked=1")
        else:
            assert online is not None
            back = request.build_absolute_uri(reverse(
                "customers:extension-paid", args=[warranty.branch.code, warranty.code,
                                                  chosen.plan.code]))
            checkout = online.start(amount_minor=chosen.plan.price_minor,
                                    currency=chosen.plan.currency,
                                    description=f"{chosen.plan.name} for {warranty.code}",
                                    return_url=back)
            pending = request.session.get(_PENDING, {})
            pending[checkout.reference] = [warranty.branch.code, warranty.code, chosen.plan.code]
            request.session[_PENDING] = pending
            return redirect(checkout.url)
    return render(request, "customers/extension.html", {
        "warranty": warranty, "offer": chosen, "online": online is not None,
        "problem": problem}, status=400 if problem else 200)


@require_GET
@customer_page
def extension_paid(request: HttpRequest, account: CustomerAccount, branch: str, code: str,
                   plan: str) -> HttpResponse:
    """Back from the provider's page: a paid request goes to the shop, once."""
    warranty = own_warranty(account, branch, code)
    chosen = _plan(warranty, plan)
    reference = request.GET.get("payment", "")
    pending = request.session.get(_PENDING, {})
    online = provider()
    if pending.get(reference) != [warranty.branch.code, warranty.code, chosen.code]:
        raise Http404("No payment of yours for this plan.")
    if online is None or not online.paid(reference):
        return render(request, "customers/extension.html", {
            "warranty": warranty, "offer": offer(warranty, chosen, clock.today()),
            "online": online is not None,
            "problem": "The payment was not made, so nothing was bought. Try again, or choose "
                       "to pay at the shop."}, status=402)
    item_id = f"extension-{reference}"[:64]
    if not InboxItem.objects.filter(branch_id=warranty.branch_id, item_id=item_id).exists():
        request_extension(warranty, chosen, payment_ref=reference, item_id=item_id)
    del pending[reference]
    request.session[_PENDING] = pending
    return redirect(reverse("customers:extensions") + "?asked=1")
