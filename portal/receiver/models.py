"""What the tills pushed, kept for good: events (partitioned by month), documents, reports."""

from __future__ import annotations

from django.db import models

from portal import clock
from portal.branches.models import Branch


class Event(models.Model):
    """One outbox event of one branch, stored once by its id (the till's UUIDv7).

    The table is partitioned by month on the id's range (migration 0002 and partitions.py):
    PostgreSQL wants the partition key inside every unique key, and the id is the only one.
    Django does not manage the table; it only reads and writes rows.
    """

    id = models.UUIDField(primary_key=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, db_constraint=False,
                               related_name="+")
    # The branch's running number of arrival, given under the branch row's lock: projection
    # reads a branch's events in this order, which for each record is the till's seq order.
    received_no = models.BigIntegerField()
    seq = models.BigIntegerField()
    topic = models.CharField(max_length=80)
    aggregate = models.CharField(max_length=40)
    aggregate_id = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    # The version of the payload's schema (the contract's Event.v): projection reads it by it.
    v = models.SmallIntegerField(default=1)
    payload = models.JSONField()

    class Meta:
        managed = False
        db_table = "receiver_event"


class Document(models.Model):
    """A document a branch uploaded (or that head office addressed to it), by sha256.

    The bytes are in the default storage under a content-addressed name, once however many
    branches hold them; a branch sees only the documents it has a row for.
    """

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="documents")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=100)
    stored_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "sha256"],
                                               name="receiver_document_once_per_branch")]

    @property
    def storage_name(self) -> str:
        """Where the bytes are in the storage."""
        return storage_name(self.sha256)


def storage_name(sha256: str) -> str:
    """The storage name of a document: spread over folders by its first hex digits."""
    return f"documents/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class NightlyReport(models.Model):
    """A branch's nightly counts, hashes and audit head, as sent (drift checks read these)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="nightly_reports")
    generated_at = models.DateTimeField()
    received_at = models.DateTimeField(default=clock.now)
    body = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["branch", "-generated_at"],
                                name="receiver_nightly_latest")]


class RefusedEvent(models.Model):
    """An event the receiver refused: the till parked it, and head office does not hold it."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    event_id = models.UUIDField()
    topic = models.CharField(max_length=80)
    reason = models.TextField()
    times = models.IntegerField(default=1)
    first_at = models.DateTimeField(default=clock.now)
    last_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "event_id"],
                                               name="receiver_refused_once")]
