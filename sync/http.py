"""One HTTPS client per receiver: verified TLS, timeouts, keep-alive, and a token never logged."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from sync.contract import TransientError
from warranty_desk.errors import BadInput

# Asked for on every request, so a token changed in Settings (or the keyring) applies at once
# and the token is never kept on the session where a debug dump could print it.
TokenSupplier = Callable[[], str]

# Seconds to open a connection, and to wait for an answer. A batch of 500 events is a few
# hundred kilobytes; thirty seconds covers a slow shop line without hanging the worker.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def check_address(base_url: str) -> str:
    """The base URL without its trailing slash; https only, except for loopback test servers."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise BadInput(f"{base_url!r} is not a web address (for example https://portal/api/v1).")
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        raise BadInput(f"The address {base_url!r} must start with https:// so records and the "
                         "sync token travel encrypted.")
    return base_url.rstrip("/")


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Retry-After in seconds, given as a number or as an HTTP date; None when absent or bad.

    An HTTP date is measured against the answer's own Date header, not the till's clock: the
    wait is the server's to set, and a till whose clock is off must not wait hours (or not at
    all) because of it. A date without a Date header beside it says nothing usable.
    """
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    when, sent = _http_date(value), _http_date(headers.get("Date") or "")
    if when is None or sent is None:
        return None
    return max(0.0, (when - sent).total_seconds())


def _http_date(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def reason_of(response: requests.Response) -> str:
    """The receiver's plain-words reason from a Problem body, else the start of its text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        # Our portal says "reason"; CRMs and automation tools use the other names.
        for key in ("reason", "error", "message", "detail"):
            if isinstance(body.get(key), str) and body[key].strip():
                return str(body[key]).strip()[:300]
    return (response.text or response.reason or "").strip()[:300]


class HttpClient:
    """Requests to one receiver; network failures come back as TransientError in plain words."""

    def __init__(
        self, base_url: str, token: TokenSupplier, *, who: str = "the portal",
        timeout: float = READ_TIMEOUT, connect_timeout: float = CONNECT_TIMEOUT,
        ca_bundle: str | None = None,
    ) -> None:
        self.base_url = check_address(base_url)
        self.who = who
        self._token = token
        self._timeout = (connect_timeout, timeout)
        self._session = requests.Session()
        # True, or a private CA's bundle: verification is never switched off.
        self._session.verify = ca_bundle or True
        # No retries inside urllib3: the engine decides when to try again, with backoff.
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    def request(
        self, method: str, path: str, *, data: bytes | None = None,
        content_type: str | None = None, params: Mapping[str, Any] | None = None,
    ) -> requests.Response:
        """Send one request and return any answer; no answer at all raises TransientError."""
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            return self._session.request(
                method, self.base_url + path, data=data, headers=headers, params=params,
                timeout=self._timeout, allow_redirects=False)
        # Messages are written here, not taken from the exception: they must not carry headers.
        except requests.ConnectTimeout:
            raise TransientError(
                f"Could not reach {self.who} at {urlsplit(self.base_url).netloc} within "
                f"{self._timeout[0]:g} seconds.", answered=False) from None
        except requests.Timeout:
            raise TransientError(
                f"{self.who.capitalize()} did not answer within {self._timeout[1]:g} seconds.",
                answered=False) from None
        except requests.ConnectionError:
            raise TransientError(
                f"Could not reach {self.who} at {urlsplit(self.base_url).netloc}: no network, "
                "or the server is down.", answered=False) from None
        except requests.RequestException as exc:
            raise TransientError(
                f"The request to {self.who} failed ({type(exc).__name__}).",
                answered=False) from None

    def close(self) -> None:
        """Close pooled connections; safe to call twice."""
        self._session.close()
