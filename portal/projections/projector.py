"""Applying a branch's stored events to the read models, in arrival order, from its cursor."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import DatabaseError, transaction

from portal.projections import handlers
from portal.projections.models import (
    Claim,
    ClaimDocument,
    ClaimEvent,
    Customer,
    Message,
    Product,
    ProjectionCursor,
    ProjectionProblem,
    Warranty,
    WarrantyLayer,
)
from portal.receiver.models import Event

log = logging.getLogger(__name__)

# Events per transaction: big enough that commits are not the cost, small enough that a
# worker stopped mid-branch loses little and other jobs get the database in between.
CHUNK = 500


def catch_up(branch_id: int) -> int:
    """Project every event of the branch after its cursor; how many were read."""
    ProjectionCursor.objects.get_or_create(branch_id=branch_id)
    total = 0
    while True:
        with transaction.atomic():
            # Row lock: two projectors of one branch (a rebuild beside the worker) take turns.
            cursor = ProjectionCursor.objects.select_for_update().get(branch_id=branch_id)
            events = list(Event.objects.filter(branch_id=branch_id,
                                               received_no__gt=cursor.received_no)
                          .order_by("received_no")[:CHUNK])
            if not events:
                return total
            for event in events:
                _apply(event, cursor)
            cursor.received_no = events[-1].received_no
            cursor.save()
        total += len(events)


def _apply(event: Event, cursor: ProjectionCursor) -> None:
    handler = handlers.HANDLERS.get(event.topic)
    if handler is None:
        cursor.skipped += 1
        return
    try:
        with transaction.atomic():  # a savepoint: a bad event undoes only itself
            handler(event)
        cursor.applied += 1
    except (KeyError, TypeError, ValueError, AttributeError, DatabaseError) as exc:
        log.warning("Event %s (%s) of branch %s could not be projected: %s", event.id,
                    event.topic, event.branch_id, exc)
        ProjectionProblem.objects.update_or_create(
            event_id=event.id, defaults={"branch_id": event.branch_id, "topic": event.topic,
                                         "reason": f"{type(exc).__name__}: {exc}"[:2000]})




def rebuild(branch_ids: Iterable[int]) -> int:
    """Wipe these branches' read models and project their stored events again."""
    total = 0
    for branch_id in branch_ids:
        with transaction.atomic():
            ProjectionCursor.objects.select_for_update().filter(branch_id=branch_id).delete()
            # Children before parents, so deleting never trips a foreign key.
            ClaimEvent.objects.filter(claim__branch_id=branch_id).delete()
            ClaimDocument.objects.filter(claim__branch_id=branch_id).delete()
            Message.objects.filter(branch_id=branch_id).delete()
            Claim.objects.filter(branch_id=branch_id).delete()
            WarrantyLayer.objects.filter(warranty__branch_id=branch_id).delete()
            Warranty.objects.filter(branch_id=branch_id).delete()
            Product.objects.filter(branch_id=branch_id).delete()
            Customer.objects.filter(branch_id=branch_id).delete()
            ProjectionProblem.objects.filter(branch_id=branch_id).delete()
        total += catch_up(branch_id)
    return total
