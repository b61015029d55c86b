"""One HTTPS client per receiver: verified TLS, timeouts, keep-alive, and a token never logged."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.auth
import requests.utils
from requests.adapters import HTTPAdapter

from sync.contract import TransientError
from warranty_desk.errors import BadInput
from warranty_desk.redaction import redact

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
    if parts.username is not None or parts.password is not None:
        # A password in the address would travel into every log line and error message.
        raise BadInput("The sync address must not hold a user name or password; keep the token "
                       "or password in the sync settings' secret fields.")
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
    """The receiver's plain-words reason from a Problem body, else the start of its text.

    Always through the redaction step: an error page may echo the request's token.
    """
    return redact(_reason(response))


def _reason(response: requests.Response) -> str:
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


def _tls_words(who: str, host: str, error: Exception) -> str:
    """Why a TLS connection failed, in words: an untrusted certificate is not "no answer"."""
    text = str(error).lower()
    # A name mismatch fails verification too: it is looked for first, being the more exact.
    if "mismatch" in text or "doesn't match" in text or "not valid for" in text:
        return (f"The certificate of {who} at {host} is for another server name, so nothing "
                "was sent. Check the portal address under Settings > Sync.")
    if "certificate_verify_failed" in text or "certificate verify failed" in text:
        return (f"The certificate of {who} at {host} is not trusted, so nothing was sent. If "
                "head office uses its own certificate authority, name its bundle (a .pem file) "
                "under Settings > Sync or with `warranty-desk config set sync.ca_bundle FILE`; "
                "otherwise something on this network is pretending to be the portal.")
    return (f"The secure connection to {who} at {host} failed, so nothing was sent: "
            "check the portal address and the certificate settings under Settings > Sync.")


class _Announced:
    """A request body that calls `on_wire` once all of it is written to the socket.

    requests sends an object with a length but no buffer as a stream: the same
    Content-Length header and the same bytes in one write (urllib3 sends each item the
    iteration yields), and the iteration goes on, to the call, only once the write returned.
    """

    __slots__ = ("_body", "_on_wire")

    def __init__(self, body: bytes, on_wire: Callable[[], None]) -> None:
        self._body = body
        self._on_wire = on_wire

    def __len__(self) -> int:
        return len(self._body)

    def __iter__(self) -> Iterator[bytes]:
        yield self._body
        self._on_wire()


class _AsWritten(requests.auth.AuthBase):
    """Leaves a request's Authorization as the till wrote it (or without one)."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r


def new_session() -> requests.Session:
    """A requests session that sends only the credentials the till sets itself.

    With no auth of its own, requests looks the host up in ~/.netrc and writes that entry's
    Basic credentials over the till's Authorization header: head office would then refuse
    the till's token, and a CRM its session. Proxies from the environment still apply
    (HttpClient reads them once).
    """
    session = requests.Session()
    session.auth = _AsWritten()
    return session


class HttpClient:
    """Requests to one receiver; network failures come back as TransientError in plain words."""

    def __init__(
        self, base_url: str, token: TokenSupplier, *, who: str = "the portal",
        timeout: float = READ_TIMEOUT, connect_timeout: float = CONNECT_TIMEOUT,
        ca_bundle: str | None = None,
    ) -> None:
        self.base_url = check_address(base_url)
        self.who = who
        # host[:port] only, for messages: never the address's other parts.
        parts = urlsplit(self.base_url)
        self.host = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
        self._token = token
        self._timeout = (connect_timeout, timeout)
        self._session = new_session()
        # The environment's proxy for this receiver (HTTPS_PROXY, NO_PROXY ...), read once:
        # left to requests, every request read the whole environment twice over, half a
        # millisecond of the till's between a push's answer and its next batch. With trust_env
        # off requests reads nothing from it (no ~/.netrc entry either, which the session's
        # auth keeps out anyway), so the CA bundle it would have read is read here too.
        self._session.trust_env = False
        self._proxies = requests.utils.get_environ_proxies(self.base_url)
        # True, or a CA bundle: verification is never switched off. The bundle named in the
        # sync settings; else, as requests does, one REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE
        # names (a machine behind an inspecting proxy or a private CA sets those); else the
        # system's. Given on every request.
        self._verify: bool | str = (ca_bundle or os.environ.get("REQUESTS_CA_BUNDLE")
                                    or os.environ.get("CURL_CA_BUNDLE") or True)
        # No retries inside urllib3: the engine decides when to try again, with backoff.
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    def request(
        self, method: str, path: str, *, data: bytes | None = None,
        content_type: str | None = None, params: Mapping[str, Any] | None = None,
        on_wire: Callable[[], None] | None = None,
    ) -> requests.Response:
        """Send one request and return any answer; no answer at all raises TransientError.

        `on_wire` is called once the whole request is written, before the answer is read
        (not when the write fails): work started then overlaps the receiver's, not the
        writing of the request.
        """
        body: bytes | _Announced | None = data
        if data and on_wire is not None:
            body = _Announced(data, on_wire)
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            return self._session.request(
                method, self.base_url + path, data=body, headers=headers, params=params,
                timeout=self._timeout, allow_redirects=False, verify=self._verify,
                proxies=self._proxies)
        # Messages are written here, not taken from the exception: they must not carry headers.
        except requests.exceptions.SSLError as exc:
            raise TransientError(_tls_words(self.who, self.host, exc), answered=True) from None
        except requests.ConnectTimeout:
            raise TransientError(
                f"Could not reach {self.who} at {self.host} within "
                f"{self._timeout[0]:g} seconds.", answered=False) from None
        except requests.Timeout:
            raise TransientError(
                f"{self.who.capitalize()} did not answer within {self._timeout[1]:g} seconds.",
                answered=False) from None
        except requests.ConnectionError:
            raise TransientError(
                f"Could not reach {self.who} at {self.host}: no network, "
                "or the server is down.", answered=False) from None
        except requests.RequestException as exc:
            raise TransientError(
                f"The request to {self.who} failed ({type(exc).__name__}).",
                answered=False) from None

    def close(self) -> None:
        """Close pooled connections; safe to call twice."""
        self._session.close()
