"""A branch, and the hashed tokens its till signs in with."""

from __future__ import annotations

from django.db import models

from portal import clock


class Branch(models.Model):
    """One shop of the chain, known by the code its till puts in every number."""

    code = models.CharField(max_length=6, unique=True)
    name = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    # Running counts numbered under this row's lock, so numbers follow commit order and a
    # reader that has seen number N never later finds an N-1 committed behind it.
    events_received = models.BigIntegerField(default=0)
    inbox_queued = models.BigIntegerField(default=0)
    inbox_acked = models.BigIntegerField(default=0)
    # Kept beside the count under the same lock: the sync health page reads them per branch
    # without counting a partitioned table of millions of rows.
    events_stored = models.BigIntegerField(default=0)
    last_push_at = models.DateTimeField(null=True, blank=True)
    # High-water marks, kept under the same lock: the highest event seq stored from any epoch
    # of the branch's till, and the epoch of the last push (None before tills sent one). A
    # till restored from a backup reads them (with NumberMark) and carries on above them.
    highest_seq = models.BigIntegerField(default=0)
    epoch = models.UUIDField(null=True, blank=True)
    # The till's time zone as its newest shop.updated told it (with that event's seq): head
    # office counts the branch's days in it. "" until the till has told one: days are UTC's.
    time_zone = models.CharField(max_length=64, blank=True, default="")
    time_zone_seq = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "branches"

    def __str__(self) -> str:
        return self.code


class BranchToken(models.Model):
    """A sync token: its public selector, and the sha256 of its secret (never the secret)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="tokens")
    selector = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer token replaced this one: it keeps working until then (the grace
    # period, on the portal's clock), so the till goes on syncing until someone enters the
    # new one.
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.branch.code} token {self.selector}"


class NumberMark(models.Model):
    """The highest counter of one kind and year of people-facing number a push reported."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="number_marks")
    kind = models.CharField(max_length=4)  # W warranty codes, C claims, CU customers, ...
    year = models.IntegerField()  # 0 for kinds numbered without a year
    last = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "kind", "year"],
                                               name="branches_number_mark_once")]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.kind}-{self.year}: {self.last}"
