"""A customer's sign-in account: the contact head office matched it by, never a password."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models

from portal import clock
from portal.branches.models import Branch
from portal.projections.models import Claim, Warranty


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


class OnlineClaim(models.Model):
    """A claim a customer started here, queued to the branch's inbox as `claim_started`.

    It is the customer's "received" claim until the branch's till opens it and its own claim
    comes back through the projection (`claim`: the one naming this item as its external_ref;
    from tills before claims named it, found by warranty and channel).
    """

    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE,
                                related_name="online_claims")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    # DO_NOTHING, not PROTECT: a projection rebuild deletes and remakes the warranty, and
    # portal.customers.rebuilds points the claim at the new row in the same transaction
    # (PostgreSQL checks the key at commit).
    warranty = models.ForeignKey(Warranty, on_delete=models.DO_NOTHING, related_name="+")
    item_id = models.CharField(max_length=64, unique=True)  # the inbox item: the claim_ref
    fault = models.TextField()
    created_at = models.DateTimeField(default=clock.now)
    claim = models.ForeignKey(Claim, on_delete=models.SET_NULL, null=True, related_name="+")
    # A return of a unit bought online (blank for a claim): what the customer asked for, and
    # who sends the unit from where, as the label's sender box says.
    preferred_outcome = models.CharField(max_length=10, blank=True, db_default="")
    sender_name = models.CharField(max_length=200, blank=True, db_default="")
    sender_address = models.TextField(blank=True, db_default="")
    # Approved by head office (the branch's own approval comes as claim.return_approved).
    approved_at = models.DateTimeField(null=True)
    approved_by = models.CharField(max_length=200, blank=True, db_default="")


class OnlineDocument(models.Model):
    """A file a customer uploaded for a claim; the bytes are the branch's receiver Document."""

    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE,
                                related_name="documents")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    online_claim = models.ForeignKey(OnlineClaim, on_delete=models.CASCADE, null=True,
                                     related_name="documents")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, null=True, related_name="+")
    sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=40)
    media_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    added_at = models.DateTimeField(default=clock.now)
    item_id = models.CharField(max_length=64, unique=True)  # its document_uploaded item

    class Meta:
        ordering = ["added_at", "pk"]


class CodeRequest(models.Model):
    """One request for a sign-in code by text, counted against the limits of its key (a
    client address, or a phone number's digest): in the database, so every app process and
    host counts the same requests."""

    key = models.CharField(max_length=80)
    at = models.DateTimeField(default=clock.now, db_index=True)  # old ones are swept by it

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="code_request_key_at")]
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

    QUEUED, SENT, FAILED, BY_HAND = "queued", "sent", "failed", "by_hand"

    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=64)
    state = models.CharField(max_length=10, default=QUEUED)
    reason = models.CharField(max_length=300, blank=True)  # why it failed, in plain words
    changed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "message_id"],
                                               name="claim_mail_once")]
