"""The nightly drift loop with the real till: head office recounts each reported day, asks the
till for a day it lacks (a resend_day inbox item), the till sends that day's events again with
their own ids, and the finding closes; a till restored from a backup is seen going backwards
and forking its audit chain, and staff are told what to do.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from keyring.backends import fail
from sqlalchemy import select

from portal.health.models import DriftFinding, Kind
from portal.inbox.models import InboxItem
from portal.receiver.models import Event
from sync.nightly import audit_head
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import TODAY, actor, pinned_clock
from tests.portal.office import signed_in
from tests.portal.support import (
    LivePortal,
    PortalDatabase,
    RegisteredBranch,
    run_worker,
)
from tests.portal.till import sync_cycle, till
from tests.sync.engine_helpers import outbox
from tests.sync.test_secrets import use
from warranty_desk.models import InboxApplied, SyncParked
from warranty_desk.permissions import Role
from warranty_desk.services import backup, catalogue
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


def test_a_day_head_office_lacks_is_sent_again_with_the_same_ids_and_the_finding_closes(
    live_portal: LivePortal, portal_db: PortalDatabase, branch: RegisteredBranch,
    tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch, claims=3)
    set_secret(home, PORTAL_TOKEN, branch.token)
    sync_cycle(home, db, live_portal, nightly=True)
    run_worker(portal_db)
    assert not DriftFinding.objects.filter(branch_id=branch.pk).exists()

    # Head office loses the day's claim openings (a restore of its own, a bad migration...).
    lost = list(Event.objects.filter(branch_id=branch.pk, topic="claim.opened")
                .values_list("id", flat=True))
    assert len(lost) == 3
    Event.objects.filter(id__in=lost).delete()

    # The next night's report shows the gap; head office asks for the day once.
    sync_cycle(home, db, live_portal, nightly=True)
    run_worker(portal_db)
    [gap] = DriftFinding.objects.filter(branch_id=branch.pk, resolved_at=None)
    assert (gap.kind, gap.day, gap.topic, gap.till_count, gap.office_count) == (
        Kind.GAP, TODAY, "claim.opened", 3, 0)
    [ask] = InboxItem.objects.filter(branch_id=branch.pk, kind="resend_day")
    assert ask.payload["day"] == TODAY.isoformat() and ask.item_id == gap.resend_item
    auditor, _ = signed_in("auditor")
    page = auditor.get(reverse("office:branch", args=[branch.code])).content.decode()
    assert "Head office lacks events" in page and "asked the till to send this day again" in page
    assert "1 open: Head office lacks events" in \
        auditor.get(reverse("office:health")).content.decode()

    # The till's next sync applies the item and sends the day again in the same cycle.
    again = sync_cycle(home, db, live_portal, nightly=False)
    assert again.pulled is not None and again.pulled.applied == 1
    with db.read() as session:
        applied = session.get(InboxApplied, ask.item_id)
        assert applied is not None and "will be sent to head office again" in applied.result
        resent = session.scalars(select(SyncParked).where(SyncParked.kind == "resend")).all()
        assert resent and {r.state for r in resent} == {"delivered"}
    stored = sorted(str(i) for i in Event.objects.filter(branch_id=branch.pk)
                    .values_list("id", flat=True))
    assert stored == sorted(uid for _, uid, _, _ in outbox(db))  # the same ids, each once
    run_worker(portal_db)
    gap.refresh_from_db()
    assert gap.resolved_at is not None and "matches" in gap.resolution
    # A further night agrees, and nothing is asked again.
    sync_cycle(home, db, live_portal, nightly=True)
    run_worker(portal_db)
    assert not DriftFinding.objects.filter(branch_id=branch.pk, resolved_at=None).exists()
    assert InboxItem.objects.filter(branch_id=branch.pk, kind="resend_day").count() == 1


def _add_product(db: Database, sku: str) -> None:
    catalogue.add_products(db, actor(Role.OWNER), [catalogue.ProductInput(
        sku=sku, name=f"Product {sku}", brand="Orbit", category="phones", policy="Sync 12")])


def test_a_till_restored_from_a_backup_is_seen_going_back_and_forking_its_audit_chain(
    live_portal: LivePortal, portal_db: PortalDatabase, branch: RegisteredBranch,
    tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch, claims=2)
    set_secret(home, PORTAL_TOKEN, branch.token)
    sync_cycle(home, db, live_portal, nightly=True)
    copy = tmp_path / "backup.sqlite3"
    backup.backup(db, actor(Role.OWNER), copy)
    _add_product(db, "AFTER-1")
    _add_product(db, "AFTER-2")
    sync_cycle(home, db, live_portal, nightly=True)
    furthest = audit_head(db)[0]
    db.dispose()

    # The shop restores last night's backup onto the till (its token comes with the config).
    restored = Home(tmp_path / "restored").ensure()
    shutil.copy(copy, restored.database)
    set_secret(restored, PORTAL_TOKEN, branch.token)
    old = Database(restored.database, clock=pinned_clock())
    sync_cycle(restored, old, live_portal, nightly=True)
    run_worker(portal_db)
    [back] = DriftFinding.objects.filter(branch_id=branch.pk, kind=Kind.AUDIT_BACKWARDS,
                                         resolved_at=None)
    assert f"had reached entry {furthest}" in back.detail

    # It carries on from the backup: its entry numbers meet the old till's with other contents.
    n = 0
    while audit_head(old)[0] < furthest:
        n += 1
        _add_product(old, f"RESTORED-{n}")
    sync_cycle(restored, old, live_portal, nightly=True)
    run_worker(portal_db)
    [fork] = DriftFinding.objects.filter(branch_id=branch.pk, kind=Kind.AUDIT_FORK,
                                         resolved_at=None)
    assert f"Audit entry {furthest} has hash" in fork.detail

    admin, email = signed_in("admin")
    page = admin.get(reverse("office:branch", args=[branch.code])).content.decode()
    assert "Audit chain went backwards" in page and "Audit chain forked" in page
    assert "restored from an older backup" in page and "audit verify" in page
    done = admin.post(reverse("office:resolve", args=[branch.code, back.pk]),
                      {"note": "Branch restored Monday's backup after a disk failure."})
    assert done.status_code == 302
    back.refresh_from_db()
    assert back.resolved_at is not None and back.resolved_by is not None
    assert back.resolved_by.get_username() == email
    old.dispose()
