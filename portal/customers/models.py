"""A customer's sign-in account: the contact head office matched it by, never a password."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models


class CustomerAccount(models.Model):
    """The user a customer signs in as, and the contact that finds their purchases.

    Made the first time an address head office holds on a purchase asks for a code; a user
    without one (staff) can never sign in by code.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="customer_account")
    email = models.CharField(max_length=254, blank=True)  # normalised (identity.email_key)
    phone = models.CharField(max_length=20, blank=True)  # E.164

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=~models.Q(email=""),
                                    name="customer_account_email_once"),
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""),
                                    name="customer_account_phone_once"),
        ]
