"""The two webhook addresses the shops call (no session, no CSRF: the signature is the proof)."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.webshop import services
from portal.webshop.models import SHOPIFY, WOOCOMMERCE


def _answer(request: HttpRequest, platform: str) -> HttpResponse:
    try:
        body = request.body
    except RequestDataTooBig:
        return JsonResponse({"status": "refused", "reason": "the order is too large to be "
                                                            "an order"}, status=413)
    found = services.receive(platform, request.headers, body)
    # The reason goes back too: a platform's webhook log shows it to whoever set the shop up.
    return JsonResponse({"status": found.verdict, "reason": found.reason}, status=found.status)


@csrf_exempt
@require_POST
def shopify_order_paid(request: HttpRequest) -> HttpResponse:
    """Shopify's orders/paid webhook."""
    return _answer(request, SHOPIFY)


@csrf_exempt
@require_POST
def woocommerce_order_updated(request: HttpRequest) -> HttpResponse:
    """WooCommerce's order.updated webhook (its creation ping included)."""
    if request.body.startswith(b"webhook_id=") and request.content_type != "application/json":
        # WooCommerce pings a new webhook's address with a form body and no signature: a
        # 2xx lets it save the webhook; nothing is read from it.
        return JsonResponse({"status": "ping", "reason": "the address answers"}, status=200)
    return _answer(request, WOOCOMMERCE)
