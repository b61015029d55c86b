"""Text messages to customers' phones: one interface, one small adapter per provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
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
