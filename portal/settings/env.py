"""Reading the portal's settings from the environment, with plain-words errors."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from warranty_desk.clock import Clock, FixedClock, SystemClock


def flag(name: str, default: bool = False) -> bool:
    """A yes/no variable: 1, true, yes or on mean yes."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def count(name: str, default: int) -> int:
    """A whole number of zero or more."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} is {value!r}; give a whole number (0, 1, 2 …).")
    return int(value)


def words(name: str, default: str = "") -> list[str]:
    """A comma-separated list; set but empty (`NAME=` in an env file) gives the default."""
    given = [w.strip() for w in os.environ.get(name, "").split(",") if w.strip()]
    return given or [w.strip() for w in default.split(",") if w.strip()]


def word(name: str, default: str = "") -> str:
    """One value: the first of the list, or the default when the variable is unset or empty."""
    return (words(name) or [default])[0]


def required(name: str, hint: str) -> str:
    """A variable that must be set; ImproperlyConfigured says how to set it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set. {hint}")
    return value


def database(url: str) -> dict[str, Any]:
    """Django's DATABASES entry from a postgresql:// URL (libpq's ?host= names a socket folder)."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"PORTAL_DATABASE_URL must start with postgresql:// (it starts with "
            f"{parts.scheme or 'nothing'}://); the portal runs on PostgreSQL only.")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("PORTAL_DATABASE_URL names no database (…/DBNAME).")
    host = query.pop("host", None) or unquote(parts.hostname or "")
    port = query.pop("port", None) or (str(parts.port) if parts.port else "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": port,
        # Connections are kept between requests; checked before reuse after a restart.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": query,
    }


def path(name: str, default: Path) -> Path:
    """A folder, from the variable or the default."""
    value = os.environ.get(name, "").strip()
    return Path(value).resolve() if value else default


def document_storage() -> dict[str, Any]:
    """Where documents go: PORTAL_MEDIA_ROOT on this machine, or an S3-compatible bucket when
    PORTAL_S3_BUCKET is set (needs `pip install "django-storages[s3]"`; the credentials come
    from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as boto3 reads them).
    """
    bucket = os.environ.get("PORTAL_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Documents are private: every read goes through the portal, which checks who asks.
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    for name, key in (("PORTAL_S3_ENDPOINT_URL", "endpoint_url"),
                      ("PORTAL_S3_REGION", "region_name"),
                      ("PORTAL_S3_PREFIX", "location")):
        value = os.environ.get(name, "").strip()
        if value:
            options[key] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def clock(name: str) -> Clock:
    """The wall clock, or a clock standing at the instant the variable gives (development and
    tests only: production always runs on the wall clock).
    """
    value = os.environ.get(name, "").strip()
    if not value:
        return SystemClock()
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ImproperlyConfigured(
            f"{name} is {value!r}; give an instant with its offset, for example "
            "2026-11-22T12:00:00+00:00, or leave it unset for the wall clock.")
    return FixedClock(at)
