"""Text messages to phones: the one SmsGateway interface and the generic HTTP JSON gateway.

Both the till's sync (customer messages) and head office's portal (sign-in codes) send texts, so
the interface lives in the core, the one package both may import. It imports nothing of the
core but the redaction step, so the portal taking it pulls in no till storage; and no service,
model or rule imports it (an import-linter contract): the core still runs without a network.

A gateway's answer, in three kinds:
  - SmsRefused: the provider refused this message for good (a 4xx other than 429: a bad
    number, a text it will not carry); sending it again would be refused again;
  - SmsNotTaken: the provider surely has not got it (no connection, 429, 5xx, a redirect or a
    proxy's page): try again later;
  - SmsUnknown: the request went whole and no answer came back: it may have been sent.
"""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from warranty_desk.redaction import redact, remember

# Seconds to connect and to wait for the answer: a text is a few hundred bytes, and a cycle
# must not hang on a silent gateway.
TIMEOUT = 15.0
# The longest provider reason kept: enough for a sentence, never a whole error page.
_REASON_LIMIT = 200
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class SmsError(Exception):
    """A text the gateway did not (surely) send; the words never hold the phone number."""


class SmsRefused(SmsError):
    """The gateway refused the message for good: the same message would be refused again."""


class SmsNotTaken(SmsError):
    """The gateway has not got the message: try again later.

    `status` is the gateway's HTTP status when it answered (429, 5xx), None when nothing
    answered; `retry_after` its Retry-After in seconds, when it gave one as a number.
    """

    def __init__(self, message: str, *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class SmsUnknown(SmsError):
    """The request went whole but no answer came back: the text may or may not have gone."""


class SmsGateway(Protocol):
    """Sends one text to one E.164 number; the provider's id for it, or an SmsError."""

    def send(self, to: str, text: str, reference: str) -> str:
        """Send `text` to `to`; `reference` is the sender's own id, the idempotency key."""


def _address_problem(url: str) -> str:
    """Why the gateway cannot be sent to at this address; "" when it can.

    The settings say it in full beforehand (warranty_desk.config.address_problem); this guard
    keeps a token and the customers' numbers off a plain line whoever builds the gateway.
    """
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # a port that is not a number in range raises here
    except ValueError:
        return f"the SMS gateway address {url!r} is not a web address"
    if parts.username is not None or parts.password is not None or not parts.hostname:
        return "the SMS gateway address is not a plain web address (https://host/path)"
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return "the SMS gateway address must start with https://"
    return ""


@dataclass(frozen=True, slots=True)
class HttpJsonSms:
    """A generic gateway: POST {to, text, reference[, from]} as JSON with a bearer token.

    The provider answers 2xx with {"id": ...} (or "message_id"), its id for the message.
    The token is read for every message, so a token changed in the settings applies at once.
    """

    url: str
    token: Callable[[], str]
    sender: str = ""  # the sender name or number the provider shows; "" for its default
    ca_bundle: str = ""
    timeout: float = TIMEOUT
    who: str = "the SMS gateway"

    def send(self, to: str, text: str, reference: str) -> str:
        """POST the message; the provider's message id ("" when it gave none)."""
        problem = _address_problem(self.url)
        if problem:
            raise SmsNotTaken(f"{problem}; the text was not sent")
        parts = urlsplit(self.url.strip())
        body: dict[str, str] = {"to": to, "text": text, "reference": reference}
        if self.sender:
            body["from"] = self.sender
        data = json.dumps(body, ensure_ascii=False).encode()
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        token = self.token()
        # A gateway's error page may echo the token: from now on every line masks it.
        remember(token)
        conn = self._connection(parts.scheme, parts.hostname or "", parts.port)
        try:
            try:
                conn.request("POST", path, body=data, headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json", "Accept": "application/json",
                    "Idempotency-Key": reference})
            except (OSError, http.client.HTTPException) as exc:
                # Nothing whole reached the gateway: it cannot have sent the text.
                raise SmsNotTaken(f"{self.who} could not be reached ({type(exc).__name__}); "
                                  "the text was not sent") from None
            try:
                answer = conn.getresponse()
                status, raw = answer.status, answer.read(16_384)
                wait = answer.getheader("Retry-After") or ""
            except (OSError, http.client.HTTPException) as exc:
                raise SmsUnknown(f"{self.who} gave no answer after taking the text "
                                 f"({type(exc).__name__}), so it may or may not have been "
                                 "sent") from None
        finally:
            conn.close()
        return self._verdict(status, raw, to, float(wait) if wait.strip().isdigit() else None)

    def _connection(self, scheme: str, host: str, port: int | None
                    ) -> http.client.HTTPConnection:
        if scheme == "https":
            context = ssl.create_default_context(cafile=self.ca_bundle or None)
            return http.client.HTTPSConnection(host, port, timeout=self.timeout,
                                               context=context)
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    def _verdict(self, status: int, raw: bytes, to: str, wait: float | None) -> str:
        found = _json(raw)
        if 200 <= status < 300:
            given = found.get("id", found.get("message_id", "")) if found else ""
            return str(given)[:200] if isinstance(given, str | int) else ""
        reason = _reason(found, raw).replace(to, "the number")
        said = f" ({status}{': ' + reason if reason else ''})"
        if 400 <= status < 500 and status not in (408, 429):
            raise SmsRefused(f"{self.who} refused the text{said}")
        if 300 <= status < 400:
            # A proxy or a Wi-Fi sign-in page sends the request elsewhere: offline, not refused.
            raise SmsNotTaken(f"{self.who} was not reached: the request was redirected "
                              f"({status}); the text was not sent")
        raise SmsNotTaken(f"{self.who} could not take the text now{said}", status=status,
                          retry_after=wait)


def _json(raw: bytes) -> dict[str, object]:
    try:
        found = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _reason(found: dict[str, object], raw: bytes) -> str:
    """The provider's own reason: its JSON error field, else the start of its text."""
    for key in ("error", "reason", "message", "detail", "title"):
        value = found.get(key)
        if isinstance(value, dict):
            value = value.get("message") or value.get("reason")
        if isinstance(value, str) and value.strip():
            return redact(" ".join(value.split())[:_REASON_LIMIT])
    if found:
        return ""
    text = raw.decode("utf-8", "replace")
    if "<" in text[:200]:
        return ""  # an HTML error page says nothing a person can act on
    return redact(" ".join(text.split())[:_REASON_LIMIT])
