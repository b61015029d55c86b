"""Paying online for an extension: one interface, one small adapter per payment provider.

The portal never sees or keeps card data: the customer pays on the provider's own page, and
the portal keeps only the provider's reference of the payment.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True, slots=True)
class Checkout:
    """A payment begun: the provider's reference, and its page where the customer pays."""

    reference: str
    url: str


class PaymentProvider(Protocol):
    """Takes a payment on its own page and says afterwards whether it was made."""

    def start(self, *, amount_minor: int, currency: str, description: str,
              return_url: str) -> Checkout:
        """Begin a payment; the customer comes back to `return_url` with `?payment=REF`."""

    def paid(self, reference: str) -> bool:
        """Whether the payment of this reference was made in full."""


@dataclass
class LoopbackPayments:
    """A provider that pays at once, on no page (tests, development); `refuse` declines all."""

    refuse: bool = False
    started: dict[str, tuple[int, str, str]] = field(default_factory=dict)

    def start(self, *, amount_minor: int, currency: str, description: str,
              return_url: str) -> Checkout:
        """Pay (or decline) straight away and send the customer back."""
        reference = "LOOP-" + secrets.token_hex(6).upper()
        self.started[reference] = (amount_minor, currency, description)
        return Checkout(reference, f"{return_url}?{urlencode({'payment': reference})}")

    def paid(self, reference: str) -> bool:
        """Paid when this provider started it and does not refuse."""
        return reference in self.started and not self.refuse


_providers: dict[str, PaymentProvider] = {}


def provider() -> PaymentProvider | None:
    """The provider the settings name (PORTAL_PAYMENT_PROVIDER, a dotted class path), one a
    process; None when online payment is off (customers pay at the shop)."""
    path: str = settings.PORTAL_PAYMENT_PROVIDER
    if not path:
        return None
    if path not in _providers:
        _providers[path] = import_string(path)()
    return _providers[path]
