"""The public product warranty display: /products/<sku-or-gtin>.json and an embeddable snippet.

Both are public and cacheable (Cache-Control, an ETag from the projected rows' seqs, 304 on
If-None-Match) and hold catalogue data only: a product, its policy's cover, terms and
exclusions, and the plans it may take. Nothing of a customer, sale or warranty is read, which
is why any web page may fetch the JSON (CORS `*`, no credentials) and frame the snippet.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from portal.csp import HEADER as CSP_HEADER
from portal.public.catalogue import NotListed, ProductDisplay, find

# Seconds a shop's page or a CDN may keep an answer before asking again (with If-None-Match):
# a changed policy shows within five minutes, and a busy product page costs head office little.
MAX_AGE = 300
# A product not listed yet may be added at a till any minute: its 404 is kept for less.
MISSING_MAX_AGE = 60
# The snippet is made to be framed by a shop's own pages, on any origin; it runs no script.
SNIPPET_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
               "form-action 'none'; frame-ancestors *")


def as_json(found: ProductDisplay) -> dict[str, Any]:
    """The product and its cover as the JSON answer gives them (plain text throughout)."""
    product, cover = found.product, found.cover
    return {
        "sku": product.sku, "gtin": product.gtin or None, "name": product.name,
        "brand": product.brand, "category": product.category,
        "list_price_minor": product.list_price_minor, "list_price": found.price or None,
        "currency": found.currency or None, "locale": found.locale, "branch": found.branch_code,
        "cover": cover.cover, "manufacturer_months": cover.manufacturer_months,
        "shop_months": cover.shop_months, "serial_note": cover.serial_note or None,
        "plans": [{"code": p.code, "name": p.name, "months": p.months,
                   "price_minor": p.price_minor, "price": p.price, "words": p.words}
                  for p in cover.plans],
        "exclusions": list(cover.exclusions), "terms": cover.terms,
    }


def _public(response: HttpResponse, etag: str | None = None) -> HttpResponse:
    patch_cache_control(response, public=True,
                        max_age=MISSING_MAX_AGE if response.status_code == 404 else MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    if etag:
        response["ETag"] = etag
    return response


def _unchanged(request: HttpRequest, etag: str) -> bool:
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in wanted or etag in wanted or f"W/{etag}" in wanted


def _etag(found: ProductDisplay, kind: str) -> str:
    return f'"{found.etag}-{kind}"'


def _answer(request: HttpRequest, key: str, kind: str) -> ProductDisplay | HttpResponse | str:
    """The product; or 304 when the asker holds this version; or why nothing is listed."""
    try:
        found = find(key, request.GET.get("branch", ""))
    except NotListed as missing:
        return str(missing)
    etag = _etag(found, kind)
    if _unchanged(request, etag):
        return _public(HttpResponse(status=304), etag)
    return found


@csrf_exempt  # reads only: an unknown method gets 405 from require_safe, not a CSRF 403
@require_safe
def product_json(request: HttpRequest, key: str) -> HttpResponse:
    """/products/<sku-or-gtin>.json: the cover, plans, exclusions and terms text."""
    found = _answer(request, key, "json")
    if isinstance(found, HttpResponse):
        return found
    if isinstance(found, str):
        return _public(JsonResponse({"detail": found}, status=404))
    return _public(JsonResponse(as_json(found), json_dumps_params={"ensure_ascii": False}),
                   _etag(found, "json"))


@csrf_exempt
@require_safe
@xframe_options_exempt
def product_snippet(request: HttpRequest, key: str) -> HttpResponse:
    """/products/<sku-or-gtin>/snippet.html: the same words as a small page to frame."""
    found = _answer(request, key, "html")
    if isinstance(found, HttpResponse):
        response = found
    elif isinstance(found, str):
        response = _public(render(request, "public/product_snippet.html", {"missing": found},
                                  status=404))
    else:
        response = _public(render(request, "public/product_snippet.html", {
            "p": found.product, "cover": found.cover, "price": found.price,
            "branch": found.branch_code}), _etag(found, "html"))
    response[CSP_HEADER] = SNIPPET_CSP
    return response
