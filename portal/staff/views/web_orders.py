"""Web shops and their webhook deliveries, newest first: what came in, and what was refused
and why, with what an admin needs to mend a shop's set-up."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.branches.models import Branch
from portal.staff.roles import EVERYONE, allow
from portal.webshop.models import Delivery, OnlineBranch, Verdict, WebShop

# The page shows this many deliveries; ?problems=1 keeps to the refused ones.
LIMIT = 200


@dataclass(frozen=True)
class ShopRow:
    """A shop as set up: where its orders go, the address to give its platform, its latest."""

    shop: WebShop
    fulfils: Branch | None
    by_fallback: bool
    address: str
    last: Delivery | None


@require_GET
@allow(*EVERYONE)
def listing(request: HttpRequest) -> HttpResponse:
    """Every shop, and the newest deliveries (only those not taken with ?problems=1)."""
    online = OnlineBranch.objects.select_related("branch").filter(id=1).first()
    fallback = online.branch if online else None
    addresses = {key: request.build_absolute_uri(reverse(f"webshop:{key}"))
                 for key in ("shopify", "woocommerce")}
    shops = [ShopRow(shop, shop.branch or fallback, shop.branch is None,
                     addresses[shop.platform],
                     Delivery.objects.filter(shop=shop).order_by("-received_at", "-pk").first())
             for shop in WebShop.objects.select_related("branch").order_by("domain")]
    problems = request.GET.get("problems") == "1"
    found = Delivery.objects.select_related("shop", "branch").order_by("-received_at", "-pk")
    if problems:
        found = found.filter(verdict__in=[Verdict.REFUSED, Verdict.UNSIGNED])
    rows = list(found[:LIMIT + 1])
    return render(request, "office/web_orders.html", {
        "shops": shops, "fallback": fallback, "deliveries": rows[:LIMIT],
        "more": len(rows) > LIMIT, "limit": LIMIT, "problems": problems})
