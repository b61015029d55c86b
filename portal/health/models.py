"""What the nightly comparison found wrong, kept until it is put right or a person deals with it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from portal import clock
from portal.branches.models import Branch
from portal.receiver.models import NightlyReport


class Kind(models.TextChoices):
    """What kind of drift a finding is."""

    GAP = "gap", "Head office lacks events"
    EXTRA = "extra", "Head office holds events the till does not list"
    MISMATCH = "mismatch", "Same count, different events"
    AUDIT_BACKWARDS = "audit_backwards", "Audit chain went backwards"
    AUDIT_FORK = "audit_fork", "Audit chain forked"


class DriftFinding(models.Model):
    """One difference between a branch's nightly report and what head office holds.

    Day findings (gap, extra, mismatch) name one UTC day and topic with both sides' counts and
    hashes; they close by themselves once head office's recount matches the till's. Audit
    findings need a person: they close when an admin marks them dealt with.
    """

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="drift")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    day = models.DateField(null=True)
    topic = models.CharField(max_length=80, blank=True)
    till_count = models.BigIntegerField(default=0)
    office_count = models.BigIntegerField(default=0)
    till_sha256 = models.CharField(max_length=64, blank=True)
    office_sha256 = models.CharField(max_length=64, blank=True)
    detail = models.TextField(blank=True)
    report = models.ForeignKey(NightlyReport, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    found_at = models.DateTimeField(default=clock.now)
    checked_at = models.DateTimeField(default=clock.now)
    # The resend_day inbox item that asked the till for the day again, if one was queued.
    resend_item = models.CharField(max_length=64, blank=True)
    resend_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-found_at", "day", "topic"]
        indexes = [models.Index(fields=["branch", "resolved_at"], name="drift_open_by_branch")]
        constraints = [models.UniqueConstraint(
            fields=["branch", "kind", "day", "topic"], condition=models.Q(resolved_at=None),
            name="drift_one_open_finding", nulls_distinct=False)]

    @property
    def open(self) -> bool:
        """Still to be put right."""
        return self.resolved_at is None
