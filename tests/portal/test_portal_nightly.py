"""The till's nightly report reaches head office and is kept as sent."""

from __future__ import annotations

from pathlib import Path

from portal.receiver.models import NightlyReport
from sync.nightly import run_nightly
from tests.portal.support import LivePortal, RegisteredBranch
from tests.portal.till import client, till


def test_the_nightly_report_is_kept_with_its_day_counts_and_audit_head(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    _, db = till(tmp_path, branch, claims=2)
    report = run_nightly(db, client(live_portal, branch.token))
    [kept] = NightlyReport.objects.filter(branch_id=branch.pk)
    assert kept.body == report.to_json()
    assert kept.generated_at == report.generated_at
    assert sum(d["count"] for d in kept.body["days"]) > 0
