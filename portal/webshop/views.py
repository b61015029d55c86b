"""The two webhook addresses the shops call (no session, no CSRF: the signature is the proof)."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.webshop import services
from portal.webshop.models import SHOPIFY, WOOCOMMERCE

# An order of the most lines head office takes (orders.MAX_LINES) is well under this; the
# portal's own upload limit is for documents, far larger.
MAX_BODY = 4 * 1024 * 1024


def _too_large(request: HttpRequest) -> bool:
    length = request.META.get("CONTENT_LENGTH") or "0"
    return not length.isdigit() or int(length) > MAX_BODY


def _size_refused() -> HttpResponse:
    # Not logged as a delivery: nothing of it was read, so nothing names its shop.
    return JsonResponse({"status": "refused", "reason": "the request is larger than any "
                                                        "order head office takes"}, status=413)


def _answer(request: HttpRequest, platform: str) -> HttpResponse:
    if _too_large(request):
        return _size_refused()
    try:
        body = request.body
    except RequestDataTooBig:
        return _size_refused()
    if len(body) > MAX_BODY:  # sent without a length
        return _size_refused()
    if platform == WOOCOMMERCE and body.startswith(b"webhook_id=") \
            and request.content_type != "application/json":
        # WooCommerce pings a new webhook's address with a form body and no signature: a
        # 2xx lets it save the webhook; nothing is read from it.
        return JsonResponse({"status": "ping", "reason": "the address answers"}, status=200)
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
    return _answer(request, WOOCOMMERCE)
