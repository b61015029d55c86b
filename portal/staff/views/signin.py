"""Signing head-office staff in and out (email and password; customers sign in elsewhere)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from portal.staff import throttle
from portal.staff.models import Role, StaffMember


class RateLimited(AuthenticationForm):
    """Refuses a sign-in, before its password is checked, while the address or the IP it
    comes from has failed too often (portal.staff.throttle); counts each failure.
    """

    def clean(self) -> dict[str, Any]:
        """Django's checks, inside the rate limit."""
        address = self.cleaned_data.get("username")
        if not address or not self.cleaned_data.get("password") or self.request is None:
            return super().clean()
        ip = throttle.client_ip(self.request)
        wait = throttle.wait_left(address, ip)
        if wait is not None:
            raise ValidationError(throttle.refusal(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                throttle.record_failure(address, ip)
            raise
        throttle.forget_address(address)
        return cleaned


class AdminSignInForm(RateLimited, AdminAuthenticationForm):
    """The Django admin's sign-in, under the same limit as the staff pages'."""


class EmailSignInForm(RateLimited):
    """Django's sign-in form, asking for the email the account was made with."""

    username = forms.CharField(label="Email", max_length=254,
                               widget=forms.EmailInput(attrs={"autofocus": True,
                                                              "autocomplete": "username"}))

    def clean_username(self) -> str:
        """Emails compare without case (accounts are made lower-case)."""
        value: str = self.cleaned_data.get("username") or ""
        return value.strip().lower()

    error_messages = {  # noqa: RUF012 (Django reads it; never mutated)
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match a head-office account. Check "
                         "both (the password is case-sensitive), or ask a head-office admin.",
        "inactive": "This account is switched off; ask a head-office admin.",
    }


class SignIn(auth_views.LoginView):
    """The sign-in page."""

    template_name = "office/sign_in.html"
    authentication_form = EmailSignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """Where the person was going (else sync health); a supplier contact goes to their own
        brand claims unless they were going to one of them (no other page is open to them)."""
        wanted = str(super().get_success_url())
        member = StaffMember.objects.filter(user=self.request.user.pk or 0).first()
        mine = str(reverse_lazy("office:brand-claims"))
        if member is not None and member.role == Role.SUPPLIER and not wanted.startswith(mine):
            return mine
        return wanted


class SignOut(auth_views.LogoutView):
    """Signing out (a POST from the page's button; a GET changes nothing)."""

    next_page = "office:sign-in"
