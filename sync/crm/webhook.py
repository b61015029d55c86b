"""The signed-webhook CRM connector: Standard Webhooks signatures, and our older header.

Each request is signed to the Standard Webhooks scheme (webhook-id, webhook-timestamp,
webhook-signature), so a receiver installs a verifier for it (standardwebhooks.com lists one
for most languages) rather than copying ours. The X-Warranty-Desk-Signature header of earlier
versions is still sent, and `verify_signature` still checks it, for receivers set up with it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from standardwebhooks import Webhook

from sync.contract import Event, Outcome, TransientError
from sync.crm import mapping
from sync.crm.mapping import CrmRecord
from sync.http import new_session, reason_of, retry_after
from warranty_desk.clock import Clock
from warranty_desk.errors import BadInput

log = logging.getLogger(__name__)

EVENT_HEADER = "X-Warranty-Desk-Event"
SIGNATURE_HEADER = "X-Warranty-Desk-Signature"  # the older scheme: t=<time>,v1=<hex>
# A secret made by a Standard Webhooks receiver: this prefix, then the key in base64.
STANDARD_PREFIX = "whsec_"
# Five minutes: wide enough for a branch clock that drifts, narrow enough that a captured
# request cannot be replayed later (the receiver's id check covers the window itself).
TOLERANCE_SECONDS = 300
# A reason longer than this is a receiver's error page, not a reason.
MAX_REASON = 300


class SignatureError(ValueError):
    """A webhook request whose signature is malformed, stale or wrong."""


def standard_key(secret: str) -> bytes:
    """The Standard Webhooks key for the shared secret.

    A secret a Standard Webhooks receiver made ("whsec_" and base64) is its key as such; any
    other secret's key is its UTF-8 bytes, which a receiver passes to its verifier as bytes
    (or as "whsec_" and their base64).
    """
    if not secret.startswith(STANDARD_PREFIX):
        return secret.encode()
    try:
        key = base64.b64decode(secret[len(STANDARD_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise BadInput("The webhook secret starts with whsec_ but what follows is not the "
                       "key in base64: copy the whole secret again from the receiver and store "
                       "it under Settings > Sync.")
    return key


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The older signature header for a body sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify_signature(secret: str, header: str, body: bytes, *, now: float,
                     tolerance: int = TOLERANCE_SECONDS) -> None:
    """Raise SignatureError unless `header` signs `body` with `secret` within `tolerance`.

    Several v1 entries are allowed, so a sender can sign with the old and new secret while
    the secret is being changed.
    """
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise SignatureError("Malformed signature header: expected t=<time>,v1=<hex>.")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError("Malformed signature header: t is not a number.") from None
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError("Malformed signature header: t and v1 are both required.")
    if abs(now - timestamp) > tolerance:
        raise SignatureError(f"Signature timestamp is {abs(now - timestamp):.0f} s away from "
                             f"now (more than {tolerance} s): too old or clock skew.")
    expected = sign(secret, timestamp, body).partition(",v1=")[2]
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureError("Bad signature: the body was not signed with the shared secret.")


def safe_url(url: str) -> str:
    """The URL without credentials or query, fit for logs and error messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _reason(reply: requests.Response) -> str:
    return f"HTTP {reply.status_code}: {reason_of(reply)[:MAX_REASON] or reply.reason}"


class WebhookConnector:
    """Posts each CRM record to one URL, signed to Standard Webhooks and the older header.

    One request per event: the event id header, a 409 "seen it" and a refusal's reason then
    each speak of exactly one event, which any receiver can implement without a batch
    format. Connections are kept alive, so a batch costs round trips, not handshakes.
    """

    def __init__(self, url: str, secret: str, *, name: str = "crm", batch_size: int = 50,
                 timeout: float = 10.0, ca_bundle: str | None = None,
                 session: requests.Session | None = None,
                 clock: Clock) -> None:
        if not secret:
            raise ValueError("The webhook needs a shared secret to sign with.")
        self.name = name
        self.batch_size = batch_size
        self.url = url
        self._secret = secret
        self._standard = Webhook(standard_key(secret))
        self._timeout = timeout
        self._verify: bool | str = ca_bundle or True  # TLS is always verified
        self._session = session or new_session()
        self._clock = clock

    def __repr__(self) -> str:
        return f"WebhookConnector({safe_url(self.url)!r})"

    def wants(self, topic: str) -> bool:
        """Customers, purchases, claim outcomes, complaints and erasures."""
        return mapping.wants(topic)

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        """Post each event in order; a transient failure stops the batch (ids dedupe resends)."""
        return mapping.send_each(events, self._deliver)

    def _deliver(self, event: Event, record: CrmRecord) -> Outcome:
        body = json.dumps(record.as_json(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()
        return self._post(event.id, body)

    def close(self) -> None:
        """Drop pooled connections; safe to call twice."""
        self._session.close()

    def _headers(self, event_id: str, body: bytes) -> dict[str, str]:
        # Whole seconds from the injected clock: both schemes sign the same instant.
        seconds = int(self._clock.now().timestamp())
        at = datetime.fromtimestamp(seconds, UTC)
        return {"Content-Type": "application/json",
                # The event id is the message id: a resend carries the same one, as the
                # scheme asks, so the receiver dedupes on it.
                "webhook-id": event_id, "webhook-timestamp": str(seconds),
                "webhook-signature": self._standard.sign(event_id, at, body),
                EVENT_HEADER: event_id, SIGNATURE_HEADER: sign(self._secret, seconds, body)}

    def _post(self, event_id: str, body: bytes) -> Outcome:
        headers = self._headers(event_id, body)
        where = safe_url(self.url)
        try:
            reply = self._session.post(self.url, data=body, headers=headers,
                                       timeout=self._timeout, verify=self._verify,
                                       allow_redirects=False)
        except requests.Timeout:
            raise TransientError(f"{where} did not answer within {self._timeout:g} s.",
                                 answered=False) from None
        except requests.RequestException as e:
            # The exception's own text repeats the full URL, which may carry a token.
            raise TransientError(f"Could not reach {where} ({type(e).__name__}).",
                                 answered=not isinstance(e, requests.ConnectionError)) from None
        status = reply.status_code
        if 200 <= status < 300:
            return Outcome(event_id, "accepted")
        if status == 409:
            return Outcome(event_id, "duplicate", _reason(reply))
        # A redirect is not an answer about the event (a moved URL wants fixing, and a POST
        # is not re-sent blindly), so it waits with the rest rather than parking the event.
        if status in (408, 429) or status >= 500 or 300 <= status < 400:
            raise TransientError(f"{where} answered {_reason(reply)}",
                                 retry_after=retry_after(reply.headers), status=status)
        log.info("Webhook refused event %s: HTTP %s", event_id, status)
        return Outcome(event_id, "rejected", _reason(reply))
