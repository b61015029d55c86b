"""A secret kept sealed in the database: encrypted with a key from the portal's SECRET_KEY.

A web shop's webhook secret cannot be kept as a digest (an HMAC needs it as it is), so it is
encrypted instead: a database dump, a backup or a read-only replica shows only ciphertext. The
key is derived from SECRET_KEY, which never sits in the database; changing SECRET_KEY means
entering each shop's secret again in the admin.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

PREFIX = "sealed:v1:"
# Kept apart from other uses of SECRET_KEY, so this key is never the one Django signs with.
_PURPOSE = b"warranty-desk portal: sealed web shop secrets"


def _fernet() -> Fernet:
    digest = hashlib.sha256(_PURPOSE + b"\0" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str) -> str:
    """The value as the database keeps it (sealed once: sealing a sealed value is a no-op)."""
    if not value or value.startswith(PREFIX):
        return value
    return PREFIX + _fernet().encrypt(value.encode()).decode("ascii")


def unseal(stored: str) -> str:
    """The secret from what the database keeps; a value from before sealing as it is."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet().decrypt(stored[len(PREFIX):].encode("ascii")).decode()
    except InvalidToken:
        # SECRET_KEY changed: no signature can match, and the admin asks for the secret again.
        return ""


class SealedField(models.TextField):  # type: ignore[type-arg]
    """Text kept sealed at rest and plain in Python."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        prepared = super().get_prep_value(value)
        return seal(prepared) if isinstance(prepared, str) else prepared
