"""A till restored from a backup reads head office's high-water marks before anything else.

The backup is older than what head office holds: without the marks the till would issue
warranty codes and sequence numbers head office already has. The real portal answers
getBranchMarks from what it stored, as head office does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from sqlalchemy import select

from sync.runner import run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import actor, pinned_clock
from tests.liveportal.branch_view import BranchPortal
from tests.sync.test_secrets import use
from tests.unit.services.helpers import sell
from warranty_desk import config
from warranty_desk.config import Settings, SyncSettings
from warranty_desk.errors import BadInput
from warranty_desk.models import NumberCounter, OutboxEvent
from warranty_desk.permissions import Role
from warranty_desk.services import backup, epochs
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.logs(r"^Sync cycle")
OWNER = actor(Role.OWNER)


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


@pytest.fixture
def settings(portal: BranchPortal, home: Home) -> SyncSettings:
    """The real portal's settings, saved in the till's config file as `config set` does."""
    set_secret(home, PORTAL_TOKEN, portal.token)
    sync = SyncSettings(portal_url=portal.url)
    config.save(home, Settings(sync=sync))
    return sync


def _codes(portal: BranchPortal) -> set[str]:
    return {e["payload"]["code"] for e in portal.events.values()
            if e["topic"] == "warranty.activated"}


@pytest.fixture
def copy(shop: Database, home: Home, settings: SyncSettings, tmp_path: Path) -> Path:
    """A backup of two sales; two more sold after it and sent to head office."""
    sell(shop, "INV-A", serials=("SN-A1", "SN-A2"))
    made = backup.backup(shop, OWNER, tmp_path / "backup.sqlite3").path
    sell(shop, "INV-B", serials=("SN-B1", "SN-B2"))
    assert run_cycle(home, shop, settings).complete
    shop.dispose()
    return made


@pytest.fixture
def restored(copy: Path, home: Home) -> Iterator[Database]:
    """The backup restored onto the till."""
    report = backup.restore(home, OWNER, copy, clock=pinned_clock())
    assert report.epoch is not None and report.epoch.marks_needed
    db = Database(home.database, clock=pinned_clock())
    yield db
    db.dispose()


def test_a_restored_till_carries_on_above_the_numbers_head_office_holds(
    restored: Database, home: Home, portal: BranchPortal, settings: SyncSettings,
) -> None:
    held, top = _codes(portal), max(portal.arrival_seqs())
    assert len(held) == 4
    first = run_cycle(home, restored, settings)
    assert first.complete, first.message
    new = sell(restored, "INV-C", serials=("SN-C1", "SN-C2")).warranty_codes
    assert not set(new) & held
    assert sorted(new) == ["BR01-W-2026-000005", "BR01-W-2026-000006"]
    before = set(portal.event_ids())
    assert run_cycle(home, restored, settings).complete
    after = [e for i, e in portal.events.items() if i not in before]
    assert after and min(e["seq"] for e in after) > top
    assert {e["payload"]["code"] for e in after if e["topic"] == "warranty.activated"} == set(new)
    epoch = epochs.current(restored)
    assert not epoch.marks_needed and portal.epoch == str(epoch.epoch)


def test_no_number_is_issued_before_head_office_has_been_asked(
    restored: Database,
) -> None:
    with pytest.raises(BadInput, match="restored from a backup and has not yet read from head "
                                       "office which numbers it already holds"):
        sell(restored, "INV-C", serials=("SN-C1",))
    with restored.read() as session:
        counters = {(k, y): last for k, y, last in session.execute(
            select(NumberCounter.kind, NumberCounter.year, NumberCounter.last))}
    assert counters[("W", 2026)] == 2  # as the backup left it: nothing was issued


def test_a_restored_till_that_cannot_reach_head_office_sends_nothing_and_says_why(
    restored: Database, home: Home, portal: BranchPortal, settings: SyncSettings,
) -> None:
    stored = portal.event_ids()
    portal.go_offline()
    report = run_cycle(home, restored, settings)
    assert not report.complete and not report.online
    assert "restored from a backup and sends nothing" in report.message
    assert report.pushed is None and report.pulled is None
    portal.go_online()
    assert portal.event_ids() == stored
    assert epochs.current(restored).marks_needed
    assert run_cycle(home, restored, settings).complete
    assert not epochs.current(restored).marks_needed


def test_events_made_while_waiting_are_renumbered_above_head_office_and_keep_their_order(
    restored: Database, home: Home, portal: BranchPortal, settings: SyncSettings,
) -> None:
    from warranty_desk.services import customer_view

    top = max(portal.arrival_seqs())
    (ada,) = customer_view.find_customers(restored, OWNER, "Ada")
    for segment in ("vip", "business", "retail"):
        customer_view.set_segment(restored, OWNER, ada.reference, segment)
    with restored.read() as session:
        waiting = session.scalars(select(OutboxEvent.id).order_by(OutboxEvent.seq)).all()[-3:]
    assert run_cycle(home, restored, settings).complete
    with restored.read() as session:
        rows = session.execute(select(OutboxEvent.seq, OutboxEvent.id, OutboxEvent.topic)
                               .where(OutboxEvent.seq > top).order_by(OutboxEvent.seq)).all()
    assert [r.topic for r in rows] == [epochs.STARTED_TOPIC, *["customer.updated"] * 3]
    assert [r.seq for r in rows] == list(range(top + 1, top + 5))
    assert [r.id for r in rows[1:]] == list(waiting)


def test_restore_on_the_command_line_reads_the_marks_at_once(
    copy: Path, home: Home, capsys: pytest.CaptureFixture[str],
) -> None:
    from warranty_desk import cli

    assert cli.main(["--home", str(home.root), "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "Head office's high-water marks are applied: records continue at sequence number" \
        in out and "(W-2026 2→4)" in out
    db = Database(home.database, clock=pinned_clock())
    try:
        assert not epochs.current(db).marks_needed
        assert sell(db, "INV-C", serials=("SN-C1",)).warranty_codes == ("BR01-W-2026-000005",)
    finally:
        db.dispose()


def test_restore_on_the_command_line_while_offline_says_what_waits_and_what_to_do(
    copy: Path, home: Home, portal: BranchPortal, capsys: pytest.CaptureFixture[str],
) -> None:
    from warranty_desk import cli

    portal.go_offline()
    assert cli.main(["--home", str(home.root), "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "Head office's marks could not be read: Could not reach the portal" in out
    assert "down.;" not in out
    assert "sends nothing, and issues no new numbers, until it has read from head office" in out
    assert "Run `warranty-desk sync` once the portal can be reached." in out
