"""Sync token text: a public selector to find the row, a secret only its sha256 is kept of."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX = "wdp_"
SELECTOR_CHARS = 16
# 32 random bytes: guessing is hopeless, so a fast hash (sha256) is enough to keep it safe
# at rest; a slow password hash would only cost every sync request time.
SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class TokenParts:
    """What a presented token splits into."""

    selector: str
    secret: str


def new_token() -> tuple[str, TokenParts]:
    """A fresh token's text and parts."""
    parts = TokenParts(secrets.token_hex(SELECTOR_CHARS // 2), secrets.token_urlsafe(SECRET_BYTES))
    return f"{PREFIX}{parts.selector}_{parts.secret}", parts


def split(text: str) -> TokenParts | None:
    """The parts of a presented token, or None when it is not one of ours."""
    if not text.startswith(PREFIX):
        return None
    body = text[len(PREFIX):]
    selector, sep, secret = body[:SELECTOR_CHARS], body[SELECTOR_CHARS:SELECTOR_CHARS + 1], \
        body[SELECTOR_CHARS + 1:]
    if sep != "_" or not secret or len(secret) > 100:
        return None
    return TokenParts(selector, secret)


def digest(secret: str) -> str:
    """What is stored of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    """Whether a presented secret is the stored one, in time independent of where they differ."""
    return hmac.compare_digest(digest(secret), stored_digest)
