"""Keeping a branch's nightly report; the drift check reads the reports kept here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.branches.models import Branch
from portal.problems import Problem
from portal.receiver.models import NightlyReport


def store_report(branch: Branch, body: dict[str, Any]) -> NightlyReport:
    """Keep the report as sent, once its branch is the one that sent it."""
    if body["branch"] != branch.code:
        raise Problem(400, f"The report is for branch {body['branch']}, but it was sent for "
                           f"branch {branch.code}. Check the branch code in Settings → Sync.")
    return NightlyReport.objects.create(
        branch=branch, generated_at=datetime.fromisoformat(body["generated_at"]), body=body)
