"""Keeping a branch's nightly report and queueing its comparison (portal.health.drift)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portal import contract
from portal.branches.models import Branch
from portal.health.tasks import enqueue_check
from portal.problems import Problem
from portal.receiver.models import NightlyReport


def store_report(branch: Branch, body: dict[str, Any]) -> NightlyReport:
    """Keep the report as sent, once its branch is the one that sent it."""
    if body["branch"] != branch.code:
        raise Problem(400, f"The report is for branch {body['branch']}, but it was sent for "
                           f"branch {branch.code}. Check the branch code in Settings → Sync.")
    with transaction.atomic():
        report = NightlyReport.objects.create(
            branch=branch, generated_at=contract.instant(body["generated_at"]), body=body)
        # Compared by the worker, like projection: the request only stores and enqueues.
        enqueue_check(report.pk, branch.pk)
    return report
