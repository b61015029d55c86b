"""The projection job: one branch's new events, in order; branches run in parallel."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from portal.projections import projector

QUEUE = "projections"
# Sent with `branch_id` after a job projected new events of that branch (the customer portal
# mails the messages among them).
branch_projected = Signal()


def _lock(branch_id: int) -> str:
    return f"project-branch-{branch_id}"


@app.task(queue=QUEUE, name="portal.projections.project_branch")
def project_branch(branch_id: int) -> None:
    """Project every stored event of the branch not projected yet."""
    if projector.catch_up(branch_id):
        branch_projected.send(sender=project_branch, branch_id=branch_id)


def enqueue_projection(branch_id: int) -> None:
    """Ask for the branch to be projected, in the caller's transaction.

    The lock keeps one branch's job running alone (its events in order); the queueing lock
    keeps at most one waiting, since a job that has not started yet reads everything stored
    before it starts.
    """
    try:
        with transaction.atomic():  # a savepoint: the refusal below must not end the push
            project_branch.configure(lock=_lock(branch_id),
                                     queueing_lock=_lock(branch_id)).defer(branch_id=branch_id)
    except AlreadyEnqueued:
        pass
