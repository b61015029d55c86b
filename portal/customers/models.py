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


class BranchMailbox(models.Model):
    """Where a branch is told that a customer wrote or asked for something on the portal."""

    branch = models.OneToOneField("branches.Branch", on_delete=models.CASCADE,
                                  related_name="mailbox")
    email = models.EmailField()

    def __str__(self) -> str:
        return f"{self.branch_id}: {self.email}"


class ClaimMail(models.Model):
    """One message a branch queued for a customer, as head office emailed it.

    Keyed by the branch's own message id, not the projected row: rebuilding the projection
    makes new rows, and a message already sent must never go out twice.
    """

    QUEUED, SENT, FAILED = "queued", "sent", "failed"

    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=64)
    state = models.CharField(max_length=10, default=QUEUED)
    reason = models.CharField(max_length=300, blank=True)  # why it failed, in plain words
    changed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "message_id"],
                                               name="claim_mail_once")]
