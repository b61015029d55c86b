"""Signing customers in by a one-time code (django-allauth), only at addresses shops recorded."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import RequestLoginCodeForm
from allauth.account.models import EmailAddress
from django.http import HttpRequest
from django.urls import reverse

from portal.customers import identity, sms


class RequestCode(RequestLoginCodeForm):  # type: ignore[misc]
    """Asks for a code; the answer is the same whether or not the address is known.

    An address a branch recorded on a purchase gets an account the first time it asks; any
    other gets nothing (no mail at all), and a user who is not a customer (staff) is never
    sent a code, so a code can never open a staff account.
    """

    def clean_email(self) -> str:
        """Allauth's checks (rate limit per address), for customers' accounts only."""
        typed = self.cleaned_data.get("email") or ""
        account = identity.account_for(email=typed) if typed else None
        if account is not None:
            EmailAddress.objects.get_or_create(
                user=account.user, email=account.email,
                defaults={"verified": True, "primary": True})
        email: str = super().clean_email()
        # The customer's own user, whatever else (a staff user) has the same address.
        self._user = account.user if account is not None else None
        return email


class CustomerAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """No sign-up (accounts come from purchases), customers land on their products."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Nobody signs up: an account is made from what a shop recorded."""
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """The customer's products."""
        return reverse("customers:products")

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        """Back to asking for a code."""
        return reverse("account_request_login_code")

    def send_verification_code_sms(self, user: Any, phone: str, code: str,
                                   **kwargs: Any) -> None:
        """The code, through the portal's one SMS gateway."""
        sms.send(phone, f"Your warranty sign-in code is {code}. It works once, for ten minutes.")
