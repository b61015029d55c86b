"""Text messages to customers' phones: the shared SmsGateway interface, one adapter a provider.

PORTAL_SMS_GATEWAY names the class: LoopbackSms (tests, development), HttpJsonGateway (the
generic HTTP JSON gateway of warranty_desk/sms_gateway.py, the one the till uses too) or
TwilioSms.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

# The one interface, shared with the till (warranty_desk/sms_gateway.py), and its answers.
from warranty_desk.sms_gateway import (
    HttpJsonSms,
    SmsError,
    SmsGateway,
    SmsNotTaken,
    SmsRefused,
    SmsUnknown,
)

__all__ = ["HttpJsonGateway", "LoopbackSms", "SmsError", "SmsGateway", "SmsNotTaken",
           "SmsRefused", "SmsUnknown", "TwilioSms", "gateway", "send"]


@dataclass
class LoopbackSms:
    """Keeps what it is given (tests, development): the messages sent, newest last."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def send(self, to: str, text: str, reference: str) -> str:
        """Keep the message; its place in the list is its id."""
        self.sent.append((to, text))
        self.references.append(reference)
        return f"loopback-{len(self.sent)}"


_gateways: dict[str, SmsGateway] = {}


def gateway() -> SmsGateway:
    """The gateway the settings name (PORTAL_SMS_GATEWAY, a dotted class path), one a process."""
    path: str = settings.PORTAL_SMS_GATEWAY
    if path not in _gateways:
        _gateways[path] = import_string(path)()
    return _gateways[path]


def send(to: str, text: str) -> str:
    """Text `to` through the configured gateway, under a new reference; the provider's id."""
    return gateway().send(to, text, uuid.uuid4().hex)


class HttpJsonGateway(HttpJsonSms):
    """The generic HTTP JSON gateway, configured from the settings.

    PORTAL_SMS_URL (where to POST), PORTAL_SMS_TOKEN (the bearer token) and PORTAL_SMS_SENDER
    (the sender name or number; empty for the provider's default).
    """

    def __init__(self) -> None:
        url: str = settings.PORTAL_SMS_URL
        token: str = settings.PORTAL_SMS_TOKEN
        if not url or not token:
            raise ImproperlyConfigured("PORTAL_SMS_URL and PORTAL_SMS_TOKEN must be set: the "
                                       "HTTP text gateway needs its address and token.")
        super().__init__(url, lambda: token, settings.PORTAL_SMS_SENDER)


class TwilioSms:
    """Twilio's Messages API over HTTPS, configured from the environment.

    PORTAL_TWILIO_ACCOUNT_SID, PORTAL_TWILIO_AUTH_TOKEN and PORTAL_SMS_FROM (the sending number
    or messaging service); PORTAL_TWILIO_API moves the base URL (a test server, a region).
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        found = os.environ if environ is None else environ
        missing = [name for name in _TWILIO if not found.get(name)]
        if missing:
            raise ImproperlyConfigured(f"{', '.join(missing)} not set: the Twilio text gateway "
                                       "needs the account's SID, token and sending number.")
        self.account, self.token, self.sender = (found[name] for name in _TWILIO)
        # Set but empty in an env file means Twilio's own address, as unset does.
        self.api = (found.get("PORTAL_TWILIO_API", "").strip()
                    or "https://api.twilio.com").rstrip("/")

    def send(self, to: str, text: str, reference: str) -> str:
        """POST the message; its SID, SmsRefused on a 4xx, SmsNotTaken on no answer or a 5xx.

        Twilio takes no idempotency key: `reference` is not sent.
        """
        url = f"{self.api}/2010-04-01/Accounts/{quote(self.account)}/Messages.json"
        body = urlencode({"To": to, "From": self.sender, "Body": text}).encode()
        login = base64.b64encode(f"{self.account}:{self.token}".encode()).decode()
        request = Request(url, data=body, method="POST", headers={
            "Authorization": f"Basic {login}",
            "Content-Type": "application/x-www-form-urlencoded"})
        raw = b""
        try:
            with urlopen(request, timeout=10) as answer:
                status, raw = answer.status, answer.read(16_384)
        except HTTPError as exc:
            status = exc.code
        except OSError as exc:
            raise SmsNotTaken(f"The text gateway could not be reached ({type(exc).__name__}); "
                              "the code was not sent.") from None
        if 400 <= status < 500 and status != 429:
            raise SmsRefused(f"The text gateway refused the message (HTTP {status}); the code "
                             "was not sent.")
        if not 200 <= status < 300:
            raise SmsNotTaken(f"The text gateway could not take the message (HTTP {status}); "
                              "the code was not sent.")
        found = _sid(raw)
        return found


_TWILIO = ("PORTAL_TWILIO_ACCOUNT_SID", "PORTAL_TWILIO_AUTH_TOKEN", "PORTAL_SMS_FROM")


def _sid(raw: bytes) -> str:
    try:
        found = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    sid = found.get("sid", "") if isinstance(found, dict) else ""
    return sid if isinstance(sid, str) else ""
