"""The drift jobs: compare a nightly report when it arrives, recount when events arrive."""

from __future__ import annotations

from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from portal.health import drift
from portal.health.models import DriftFinding
from portal.receiver.models import NightlyReport

QUEUE = "health"


@app.task(queue=QUEUE, name="portal.health.check_report")
def check_report(report_id: int) -> None:
    """Compare a stored nightly report with head office's events."""
    report = NightlyReport.objects.select_related("branch").filter(pk=report_id).first()
    if report is not None:
        drift.check_report(report)


@app.task(queue=QUEUE, name="portal.health.recheck_branch")
def recheck_branch(branch_id: int) -> None:
    """Recount the days of the branch's open findings."""
    drift.recheck(branch_id)


def _lock(branch_id: int) -> str:
    return f"drift-branch-{branch_id}"


def enqueue_check(report_id: int, branch_id: int) -> None:
    """Ask for a report to be compared, in the caller's transaction."""
    check_report.configure(lock=_lock(branch_id)).defer(report_id=report_id)


def recheck_if_drifting(branch_id: int) -> None:
    """After new events: recount the branch's open day findings, if it has any."""
    if not DriftFinding.objects.filter(branch_id=branch_id, resolved_at=None,
                                       day__isnull=False).exists():
        return
    try:
        with transaction.atomic():
            recheck_branch.configure(lock=_lock(branch_id),
                                     queueing_lock=f"drift-recheck-{branch_id}").defer(
                branch_id=branch_id)
    except AlreadyEnqueued:
        pass
