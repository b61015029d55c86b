"""Text messages to customers' phones: one interface, one small adapter per provider."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class SmsGateway(Protocol):
    """Sends one text to one E.164 number; raises on a refusal the provider gives."""

    def send(self, to: str, text: str) -> None:
        """Send `text` to `to`."""


@dataclass
class LoopbackSms:
    """Keeps what it is given (tests, development): the messages sent, newest last."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, to: str, text: str) -> None:
        """Keep the message."""
        self.sent.append((to, text))


_gateways: dict[str, SmsGateway] = {}


def gateway() -> SmsGateway:
    """The gateway the settings name (PORTAL_SMS_GATEWAY, a dotted class path), one a process."""
    path: str = settings.PORTAL_SMS_GATEWAY
    if path not in _gateways:
        _gateways[path] = import_string(path)()
    return _gateways[path]


class SmsRefused(RuntimeError):
    """The provider did not take a message (the number is not in the words: no personal data)."""


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
        self.api = found.get("PORTAL_TWILIO_API", "https://api.twilio.com").rstrip("/")

    def send(self, to: str, text: str) -> None:
        """POST the message; SmsRefused on any answer but 2xx, or no answer."""
        url = f"{self.api}/2010-04-01/Accounts/{quote(self.account)}/Messages.json"
        body = urlencode({"To": to, "From": self.sender, "Body": text}).encode()
        login = base64.b64encode(f"{self.account}:{self.token}".encode()).decode()
        request = Request(url, data=body, method="POST", headers={
            "Authorization": f"Basic {login}",
            "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urlopen(request, timeout=10) as answer:
                status = answer.status
        except HTTPError as exc:
            status = exc.code
        except OSError as exc:
            raise SmsRefused(f"The text gateway could not be reached ({type(exc).__name__}); "
                             "the code was not sent.") from None
        if not 200 <= status < 300:
            raise SmsRefused(f"The text gateway refused the message (HTTP {status}); the code "
                             "was not sent.")


_TWILIO = ("PORTAL_TWILIO_ACCOUNT_SID", "PORTAL_TWILIO_AUTH_TOKEN", "PORTAL_SMS_FROM")
