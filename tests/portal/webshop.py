"""Web shop test helpers: the recorded payloads (tests/portal/recorded/), signed and sent to a
live portal the way Shopify and WooCommerce send them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from pathlib import Path
from typing import Any

import requests

from tests.portal.support import LivePortal

RECORDED = Path(__file__).parent / "recorded"
SHOPIFY_ORDER = "shopify_orders_paid.json"
WOO_ORDER = "woocommerce_order_completed.json"


def recorded(name: str) -> dict[str, Any]:
    """A recorded payload as a dict, to change before sending."""
    found: dict[str, Any] = json.loads((RECORDED / name).read_text(encoding="utf-8"))
    return found


def raw(name: str) -> bytes:
    """A recorded payload's bytes exactly as stored."""
    return (RECORDED / name).read_bytes()


def body(payload: dict[str, Any]) -> bytes:
    """A payload as a platform sends it: compact JSON, UTF-8 as it is."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, data: bytes) -> str:
    """Written here from the platforms' documents, apart from the portal's own code."""
    return base64.b64encode(hmac.new(secret.encode(), data, hashlib.sha256).digest()).decode()


def root(live: LivePortal) -> str:
    """The live portal's address without the sync API's base path."""
    return live.url.removesuffix("/api/v1")


def send_shopify(live: LivePortal, data: bytes, secret: str, *, domain: str,
                 webhook_id: str | None = None, topic: str = "orders/paid",
                 sign: str | None = None) -> requests.Response:
    """POST an orders/paid webhook as Shopify does (`sign` overrides the signature)."""
    headers = {"Content-Type": "application/json", "X-Shopify-Topic": topic,
               "X-Shopify-Shop-Domain": domain, "X-Shopify-API-Version": "2025-10",
               "X-Shopify-Webhook-Id": webhook_id or secrets.token_hex(16),
               "X-Shopify-Hmac-Sha256": signature(secret, data) if sign is None else sign}
    return requests.post(f"{root(live)}/hooks/shopify/orders-paid", data=data,
                         headers={k: v for k, v in headers.items() if v}, timeout=20)


def send_woo(live: LivePortal, data: bytes, secret: str, *, source: str,
             delivery_id: str | None = None, topic: str = "order.updated",
             sign: str | None = None) -> requests.Response:
    """POST an order.updated webhook as WooCommerce does."""
    headers = {"Content-Type": "application/json", "X-WC-Webhook-Topic": topic,
               "X-WC-Webhook-Source": source, "X-WC-Webhook-Resource": "order",
               "X-WC-Webhook-Event": "updated", "X-WC-Webhook-ID": "12",
               "X-WC-Webhook-Delivery-ID": delivery_id or secrets.token_hex(16),
               "X-WC-Webhook-Signature": signature(secret, data) if sign is None else sign}
    return requests.post(f"{root(live)}/hooks/woocommerce/order-updated", data=data,
                         headers={k: v for k, v in headers.items() if v}, timeout=20)
