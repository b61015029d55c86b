"""Webhook signatures: base64 HMAC-SHA256 of the raw body with the shop's secret (both
Shopify's X-Shopify-Hmac-Sha256 and WooCommerce's X-WC-Webhook-Signature are this)."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(secret: str, body: bytes) -> str:
    """The signature a shop holding `secret` sends with `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_by(secret: str, body: bytes, given: str) -> bool:
    """Whether `given` is the body's signature with `secret` (compared in constant time)."""
    return hmac.compare_digest(sign(secret, body).encode(), given.strip().encode())
