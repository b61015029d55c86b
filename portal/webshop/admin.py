"""Web shops in Django's admin: set one up, change where its orders go, enter a new secret.

The secret is written, never shown: the form's field stays empty, and leaving it empty keeps
the one already set.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from portal.errors import PortalInputError
from portal.staff.admin import HeadOfficeOnly
from portal.webshop.models import OnlineBranch, WebShop
from portal.webshop.orders import OrderError, currency
from portal.webshop.shops import check_prefix, normalise


class WebShopForm(forms.ModelForm):  # type: ignore[type-arg]
    """The shop's fields, with its secret as a write-only field."""

    secret = forms.CharField(
        required=False, strip=True, widget=forms.PasswordInput(render_value=False),
        help_text="The webhook secret the platform signs with (Shopify: the app's client "
                  "secret or the webhooks' signing secret; WooCommerce: the webhook's "
                  "secret). Leave empty to keep the one set.")

    class Meta:
        model = WebShop
        fields = ("platform", "domain", "name", "prefix", "currency", "branch", "active",
                  "secret")

    def clean_domain(self) -> str:
        return normalise(self.cleaned_data["domain"])

    def clean_prefix(self) -> str:
        try:
            return check_prefix(self.cleaned_data["prefix"])
        except PortalInputError as exc:
            raise ValidationError(str(exc)) from None

    def clean_currency(self) -> str:
        try:
            return currency(self.cleaned_data["currency"])
        except OrderError as exc:
            raise ValidationError(str(exc)) from None

    def clean_secret(self) -> str:
        given: str = self.cleaned_data["secret"]
        if not given and not (self.instance.pk and self.instance.secret):
            raise ValidationError("Enter the shop's webhook secret.")
        return given or self.instance.secret


class Addable(HeadOfficeOnly):
    """Head-office admins may add and remove these too."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)


@admin.register(WebShop)
class WebShopAdmin(Addable):
    """Which shops may send orders, and which branch fulfils them."""

    form = WebShopForm
    list_display = ("domain", "platform", "name", "prefix", "currency", "branch", "active")
    list_filter = ("platform", "active")
    search_fields = ("domain", "name", "prefix")


@admin.register(OnlineBranch)
class OnlineBranchAdmin(Addable):
    """The chain's online branch: it fulfils the orders of shops that name no branch."""

    list_display = ("branch",)
    fields = ("branch",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not OnlineBranch.objects.exists()
