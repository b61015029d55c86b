"""A head-office person's role, beside Django's user (which holds sign-in)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """What a head-office person may do."""

    ADMIN = "admin", "Head-office admin"
    SUPPORT = "support", "Support (read, and messages to customers)"
    AUDITOR = "auditor", "Auditor (read only)"


class StaffMember(models.Model):
    """One head-office person."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="staff_member")
    role = models.CharField(max_length=20, choices=Role.choices)

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role})"


class RelayedMessage(models.Model):
    """What a customer told head office about a claim, passed to the claim's branch.

    It reaches the branch's claim through the inbox as the customer's message (a
    message_received item); the row keeps who passed it on.
    """

    # By number, not a key to the projected claim: projections are rebuilt from events, and
    # what head office staff wrote is not in any branch's events.
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="+")
    claim_number = models.CharField(max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField()
    inbox_item = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["branch", "claim_number"], name="relayed_by_claim")]


class SignInFailure(models.Model):
    """A failed head-office sign-in, kept while it counts toward the rate limit (portal.staff.
    throttle): one row for the address typed (its sha256, never the text) and one for the IP.
    """

    key = models.CharField(max_length=120)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="signin_failure_recent")]
