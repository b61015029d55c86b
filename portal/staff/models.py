"""A head-office person's role, beside Django's user (which holds sign-in), and what head-office
people sent to branches."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """What a head-office person may do."""

    ADMIN = "admin", "Head-office admin"
    SUPPORT = "support", "Support (read, and messages to customers)"
    AUDITOR = "auditor", "Auditor (read only)"
    SUPPLIER = "supplier", "Supplier contact (their own brand claims only)"


class StaffMember(models.Model):
    """One head-office person."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="staff_member")
    role = models.CharField(max_length=20, choices=Role.choices)
    # The one supplier a supplier contact speaks for, as the branches name it on their brand
    # claims (compared without case); empty for every other role.
    supplier = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [models.CheckConstraint(
            condition=(models.Q(role="supplier") & ~models.Q(supplier=""))
            | (~models.Q(role="supplier") & models.Q(supplier="")),
            name="staff_supplier_only_for_supplier_contacts")]

    def __str__(self) -> str:
        of = f", {self.supplier}" if self.supplier else ""
        return f"{self.user.get_username()} ({self.role}{of})"

    def clean(self) -> None:
        """A supplier contact names a supplier; no one else does (the admin's form says so)."""
        from django.core.exceptions import ValidationError

        self.supplier = " ".join(self.supplier.split())
        if self.role == Role.SUPPLIER and not self.supplier:
            raise ValidationError({"supplier": "A supplier contact needs the supplier's name, "
                                               "as the branches write it on brand claims."})
        if self.role != Role.SUPPLIER and self.supplier:
            raise ValidationError({"supplier": "Only a supplier contact has a supplier; clear "
                                               "it, or make the role Supplier contact."})


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


class SupplierUpdate(models.Model):
    """What a supplier contact sent about one of their supplier's brand claims: queued to the
    brand claim's branch as a brand_status item, kept here with who entered it and when.

    Whether the branch applied it is read from the branch's events (a brand claim line naming
    the item, or the item's refusal), never stored here.
    """

    class Kind(models.TextChoices):
        STATUS = "status", "Status"
        CLAIM_ID = "claim_id", "Their claim ID"
        REPORT = "report", "Report"
        PROPOSAL = "proposal", "Settlement proposal"

    # By number, like RelayedMessage: projections are rebuilt from events.
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="+")
    brand_claim_number = models.CharField(max_length=64)
    supplier = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    entered_by = models.CharField(max_length=300)  # "head office portal, supplier contact ..."
    kind = models.CharField(max_length=12, choices=Kind.choices)
    details = models.JSONField(default=dict)  # what was sent, as the item's payload says it
    inbox_item = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["branch", "brand_claim_number"],
                                name="supplier_update_by_claim")]
