"""An item waiting in a branch's inbox, numbered in the order it was queued."""

from __future__ import annotations

from django.db import models

from portal.branches.models import Branch


class InboxItem(models.Model):
    """One claim, document, message, order or brand status for a branch to apply."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="inbox_items")
    # The branch's running number, given under the branch row's lock (see Branch): a cursor
    # is a position, and no item can later appear behind a position already read.
    position = models.BigIntegerField()
    item_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField()
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "position"], name="inbox_item_position"),
            models.UniqueConstraint(fields=["branch", "item_id"], name="inbox_item_once"),
        ]
