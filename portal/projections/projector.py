"""Applying a branch's stored events to the read models, in arrival order, from its cursor.

Events are applied a chunk at a time: the rows the chunk names are read at once, changed in
memory, and written back in a few statements (books.Books). An event that cannot be applied
(its fields do not fit) is set aside as a ProjectionProblem and the others of its chunk go on,
exactly as if each event had its own transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from django.db import DatabaseError, transaction
from django.dispatch import Signal

from portal.projections import books, handlers
from portal.projections.books import Books, StoredEvent
from portal.projections.models import (
    BrandClaim,
    Claim,
    ClaimDocument,
    ClaimEvent,
    Customer,
    ExtensionPlan,
    Message,
    Policy,
    Product,
    ProjectionCursor,
    ProjectionProblem,
    RefusedItem,
    Warranty,
    WarrantyLayer,
)

log = logging.getLogger(__name__)

# Rows of other apps that point at projected rows (a claim a customer started online, their
# uploads) must outlive a rebuild, which deletes every projected row of the branch and makes
# them again with new keys. A receiver (sender=rebuild, branch_id=) notes what its rows point
# at by natural key, lets go of the rows about to be deleted, and returns a callable that
# points them at the new rows once the events are projected again: all in the rebuild's one
# transaction, so a rebuild that cannot put a row back undoes itself rather than lose it.
rebuilding = Signal()

# Events per transaction: big enough that reading and writing rows set-wise pays, small enough
# that a worker stopped mid-branch loses little and other jobs get the database in between.
CHUNK = 2000
# What a handler raises for an event whose fields do not fit.
_UNFIT = (KeyError, TypeError, ValueError, AttributeError)


def catch_up(branch_id: int, *, chunk: int = CHUNK) -> int:
    """Project every event of the branch after its cursor; how many were read."""
    ProjectionCursor.objects.get_or_create(branch_id=branch_id)
    total = 0
    while True:
        with transaction.atomic():
            # Row lock: two projectors of one branch (a rebuild beside the worker) take turns.
            cursor = ProjectionCursor.objects.select_for_update().get(branch_id=branch_id)
            events = books.events_after(branch_id, cursor.received_no, chunk)
            if not events:
                return total
            _project(branch_id, events, cursor)
            cursor.received_no = events[-1].received_no
            cursor.save()
        total += len(events)


@dataclass
class _Unfit(Exception):
    """The event at `index` of a run could not be applied."""

    index: int
    error: Exception


def _apply(branch_id: int, events: list[StoredEvent]) -> tuple[int, int]:
    """Apply a run of events and write the rows; (applied, skipped). Raises _Unfit or
    DatabaseError with nothing written (the caller's savepoint undoes a half-done flush).
    """
    rows = Books(branch_id)
    rows.load(events)
    applied = 0
    for index, event in enumerate(events):
        handler = handlers.HANDLERS.get(event.topic)
        if handler is None:
            continue
        try:
            handler(rows, event)
        except _UNFIT as exc:
            raise _Unfit(index, exc) from exc
        applied += 1
    rows.flush()
    return applied, len(events) - applied


def _project(branch_id: int, events: list[StoredEvent], cursor: ProjectionCursor) -> None:
    """Apply the events, setting aside each one that does not fit."""
    pending = events
    while pending:
        try:
            with transaction.atomic():  # a savepoint: a failed run writes nothing
                applied, skipped = _apply(branch_id, pending)
        except _Unfit as unfit:
            # The events before it were fine: apply them alone, set it aside, go on after it.
            _project(branch_id, pending[:unfit.index], cursor)
            _set_aside(pending[unfit.index], unfit.error)
            pending = pending[unfit.index + 1:]
            continue
        except DatabaseError as exc:
            # The database refused a value somewhere in the run: find it one event at a time.
            if len(pending) == 1:
                _set_aside(pending[0], exc)
            else:
                for event in pending:
                    _project(branch_id, [event], cursor)
            return
        cursor.applied += applied
        cursor.skipped += skipped  # events of topics nothing projects yet
        return


def _set_aside(event: StoredEvent, exc: Exception) -> None:
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
            # django-stubs types a receiver's answer as text; ours answer with their restore.
            restores = [cast(Callable[[], None], restore)
                        for _, restore in rebuilding.send(sender=rebuild, branch_id=branch_id)]
            # Children before parents, so deleting never trips a foreign key.
            BrandClaim.objects.filter(branch_id=branch_id).delete()  # its lines with it
            ClaimEvent.objects.filter(claim__branch_id=branch_id).delete()
            ClaimDocument.objects.filter(claim__branch_id=branch_id).delete()
            Message.objects.filter(branch_id=branch_id).delete()
            Claim.objects.filter(branch_id=branch_id).delete()
            WarrantyLayer.objects.filter(warranty__branch_id=branch_id).delete()
            Warranty.objects.filter(branch_id=branch_id).delete()
            Product.objects.filter(branch_id=branch_id).delete()
            Customer.objects.filter(branch_id=branch_id).delete()
            ExtensionPlan.objects.filter(branch_id=branch_id).delete()
            Policy.objects.filter(branch_id=branch_id).delete()
            RefusedItem.objects.filter(branch_id=branch_id).delete()
            ProjectionProblem.objects.filter(branch_id=branch_id).delete()
            total += catch_up(branch_id)
            for restore in restores:
                restore()
    return total
