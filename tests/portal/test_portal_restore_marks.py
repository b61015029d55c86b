"""A till restored from a backup taken before a sync never reuses what head office holds.

With the real portal on PostgreSQL: head office keeps each branch's high-water marks (the
highest event seq it stores, the till's number counters from every push, the epoch of the
last push) and answers getBranchMarks; the restored till reads them before it sends anything
or issues a number.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from portal.receiver.models import Event
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import actor, pinned_clock
from tests.portal.support import LivePortal, PortalDatabase, RegisteredBranch
from tests.portal.till import sync_cycle, till
from tests.sync.test_secrets import use
from warranty_desk import config
from warranty_desk.config import Settings, SyncSettings
from warranty_desk.permissions import Role
from warranty_desk.services import backup, catalogue
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

OWNER = actor(Role.OWNER)


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


def _sell(db: Database, invoice: str, serials: tuple[str, ...], name: str, phone: str
          ) -> tuple[str, ...]:
    sale = record_sale(db, actor(Role.SALES), SaleInput(
        invoice, date(2026, 11, 1), (LineInput("RST-1", len(serials), 10_000, serials, None),),
        CustomerInput(name, phone=phone)))
    return sale.warranty_codes


def _held(branch: RegisteredBranch) -> tuple[set[str], set[str], int]:
    """Warranty codes and customer references head office holds, and its highest seq."""
    events = list(Event.objects.filter(branch_id=branch.pk).values("topic", "payload", "seq"))
    codes = {e["payload"]["code"] for e in events if e["topic"] == "warranty.activated"}
    refs = {e["payload"]["reference"] for e in events if e["topic"] == "customer.created"}
    return codes, refs, max(e["seq"] for e in events)


def test_a_till_restored_from_a_backup_taken_before_a_sync_never_reuses_what_head_office_holds(
    live_portal: LivePortal, portal_db: PortalDatabase, branch: RegisteredBranch,
    tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch)
    set_secret(home, PORTAL_TOKEN, branch.token)
    config.save(home, Settings(sync=SyncSettings(portal_url=live_portal.url)))
    catalogue.add_policy(db, OWNER, catalogue.PolicyInput(name="Restore 12",
                                                          manufacturer_months=12))
    catalogue.add_products(db, OWNER, [catalogue.ProductInput(
        sku="RST-1", name="Restore Phone", brand="Orbit", category="phones",
        policy="Restore 12")])
    _sell(db, "INV-A", ("A-1", "A-2"), "Ada Byron", "+44 20 7946 0011")
    copy = backup.backup(db, OWNER, tmp_path / "backup.sqlite3").path
    _sell(db, "INV-B", ("B-1", "B-2"), "Bea Brown", "+44 20 7946 0012")
    sync_cycle(home, db, live_portal)
    codes, refs, top = _held(branch)
    assert len(codes) == 4 and len(refs) == 2
    before = set(Event.objects.filter(branch_id=branch.pk).values_list("id", flat=True))
    db.dispose()

    backup.restore(home, OWNER, copy, clock=pinned_clock())
    restored = Database(home.database, clock=pinned_clock())
    try:
        sync_cycle(home, restored, live_portal)
        new = _sell(restored, "INV-C", ("C-1", "C-2"), "Cy Clark", "+44 20 7946 0013")
        sync_cycle(home, restored, live_portal)
    finally:
        restored.dispose()
    assert not set(new) & codes, "warranty codes head office already held were issued again"
    fresh = [e for e in Event.objects.filter(branch_id=branch.pk) if e.id not in before]
    assert {e.payload["code"] for e in fresh if e.topic == "warranty.activated"} == set(new)
    assert min(e.seq for e in fresh) > top, "sequence numbers head office held were used again"
    new_refs = {e.payload["reference"] for e in fresh if e.topic == "customer.created"}
    assert len(new_refs) == 1 and not new_refs & refs


def test_head_office_keeps_the_marks_and_answers_them(
    live_portal: LivePortal, portal_db: PortalDatabase, branch: RegisteredBranch,
    tmp_path: Path,
) -> None:
    import requests
    from sqlalchemy import func, select

    from portal.branches.models import Branch, NumberMark
    from warranty_desk.models import NumberCounter, OutboxEvent
    from warranty_desk.services import epochs

    home, db = till(tmp_path, branch, claims=2)
    set_secret(home, PORTAL_TOKEN, branch.token)
    try:
        sync_cycle(home, db, live_portal)
        with db.read() as session:
            newest = session.scalar(select(func.max(OutboxEvent.seq)))
            counters = {(k, y): last for k, y, last in session.execute(
                select(NumberCounter.kind, NumberCounter.year, NumberCounter.last))}
        epoch = epochs.current(db).epoch
    finally:
        db.dispose()
    row = Branch.objects.get(pk=branch.pk)
    assert (row.highest_seq, row.epoch) == (newest, epoch)
    assert {(m.kind, m.year): m.last for m in NumberMark.objects.filter(branch_id=branch.pk)} \
        == counters
    answer = requests.get(f"{live_portal.url}/branches/{branch.code}/marks",
                          headers={"Authorization": f"Bearer {branch.token}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["branch"] == branch.code and body["seq"] == newest
    assert body["epoch"] == str(epoch)
    assert {(m["kind"], m["year"]): m["last"] for m in body["numbers"]} == counters
    other = requests.get(f"{live_portal.url}/branches/ZZ99/marks",
                         headers={"Authorization": f"Bearer {branch.token}"}, timeout=10)
    assert other.status_code in (401, 403) and "reason" in other.json()
