"""The sync panel's service: status counts, parked events, retry and dismiss by role."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import actor, sqlite_file
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, NotFound, PermissionDenied, RuleBlocked
from warranty_desk.models import OutboxEvent, SyncCursor, SyncParked
from warranty_desk.permissions import Role
from warranty_desk.services import sync_admin
from warranty_desk.storage.database import Database

MAY_MANAGE = (Role.ADMIN, Role.OWNER, Role.SYSTEM)
MAY_NOT = tuple(r for r in Role if r not in MAY_MANAGE)
LAST_GOOD = datetime(2026, 11, 21, 17, 30, tzinfo=UTC)


def _park(db: Database) -> list[int]:
    """Events 1..n in the outbox; the first warranty's event refused, a later one held."""
    sell(db, serials=("SN-A", "SN-B"))
    with db.write() as session:
        seqs = list(session.scalars(select(OutboxEvent.seq).order_by(OutboxEvent.seq)))
        session.add(SyncCursor(destination="portal", delivered_seq=seqs[-2],
                               last_success_at=LAST_GOOD, last_error="Portal answered 503"))
        session.add(SyncParked(destination="portal", event_seq=seqs[0], aggregate="warranty",
                               aggregate_id="W1", kind="rejected", reason="Unknown SKU"))
        session.add(SyncParked(destination="portal", event_seq=seqs[1], aggregate="warranty",
                               aggregate_id="W1", kind="held",
                               reason=f"Waits behind event {seqs[0]}"))
    return seqs


def test_status_counts_pending_parked_and_held_per_destination(shop: Database) -> None:
    _park(shop)
    crm, portal = sync_admin.status(shop, ["crm"])  # sorted by name
    assert (portal.destination, portal.pending, portal.parked, portal.held) == ("portal", 1, 1, 1)
    assert portal.last_success_at == LAST_GOOD and portal.last_error == "Portal answered 503"
    with sqlite_file(shop.path) as conn:
        total = conn.execute("SELECT count(*) FROM outbox_events").fetchone()[0]
    assert (crm.destination, crm.pending, crm.parked, crm.last_success_at) == ("crm", total, 0,
                                                                               None)


def test_parked_lists_waiting_events_with_reason_and_topic(shop: Database) -> None:
    seqs = _park(shop)
    refused, held = sync_admin.parked(shop)
    assert (refused.seq, refused.kind, refused.reason) == (seqs[0], "rejected", "Unknown SKU")
    assert refused.topic and held.kind == "held"
    assert sync_admin.parked(shop, "crm") == []


@pytest.mark.parametrize("role", MAY_NOT)
def test_only_admins_owners_and_the_command_line_retry_or_dismiss(
    shop: Database, role: Role
) -> None:
    seqs = _park(shop)
    with pytest.raises(PermissionDenied):
        sync_admin.retry_parked(shop, actor(role), "portal", seqs[0])
    with pytest.raises(PermissionDenied):
        sync_admin.dismiss_parked(shop, actor(role), "portal", seqs[0], "Keyed by hand")


@pytest.mark.parametrize("role", MAY_MANAGE)
def test_a_retry_marks_the_event_for_the_worker_and_is_audited(
    shop: Database, role: Role
) -> None:
    seqs = _park(shop)
    view = sync_admin.retry_parked(shop, actor(role), "portal", seqs[0])
    assert view.state == "retry"
    assert sync_admin.status(shop)[0].pending == 2
    with sqlite_file(shop.path) as conn:
        action, entity_id = conn.execute(
            "SELECT action, entity_id FROM audit_entries ORDER BY seq DESC LIMIT 1").fetchone()
    assert (action, entity_id) == ("sync.retry", f"portal:{seqs[0]}")


def test_a_held_event_cannot_be_retried_or_dismissed_on_its_own(shop: Database) -> None:
    seqs = _park(shop)
    owner = actor(Role.OWNER)
    with pytest.raises(RuleBlocked, match="waits behind"):
        sync_admin.retry_parked(shop, owner, "portal", seqs[1])
    with pytest.raises(RuleBlocked):
        sync_admin.dismiss_parked(shop, owner, "portal", seqs[1], "Not needed")
    with pytest.raises(NotFound):
        sync_admin.retry_parked(shop, owner, "portal", 99_999)


def test_dismissal_needs_a_reason_and_is_kept_with_who_and_why(shop: Database) -> None:
    seqs = _park(shop)
    owner = actor(Role.OWNER, "Olive Owner")
    with pytest.raises(BadInput):
        sync_admin.dismiss_parked(shop, owner, "portal", seqs[0], " ok ")
    view = sync_admin.dismiss_parked(shop, owner, "portal", seqs[0], "Head office keyed it in")
    assert (view.state, view.settled_by) == ("dismissed", "Olive Owner")
    assert "Head office keyed it in" in view.reason and view.settled_at is not None
    assert [v.seq for v in sync_admin.parked(shop)] == [seqs[1]]
    with pytest.raises(RuleBlocked, match="already dismissed"):
        sync_admin.retry_parked(shop, owner, "portal", seqs[0])
    with sqlite_file(shop.path) as conn:
        details = conn.execute("SELECT details FROM audit_entries WHERE action='sync.dismiss'"
                               ).fetchone()[0]
    assert "Head office keyed it in" in details



def test_the_shops_own_senders_count_only_the_messages_waiting_for_them(
        shop: Database) -> None:
    """A sale is never "waiting" for the mail server or the SMS gateway: they send messages."""
    from warranty_desk.models import SyncDelivered
    from warranty_desk.services import claims

    codes = sell(shop, serials=("SN-A", "SN-B", "SN-C")).warranty_codes
    for code in codes:  # each claim started queues a message to the customer
        claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(code, "Dead"))
    with shop.write() as session:
        sent, _waits, answered = session.scalars(
            select(OutboxEvent.seq).where(OutboxEvent.topic == "message.queued")
            .order_by(OutboxEvent.seq)).all()
        session.add(SyncCursor(destination="mail", delivered_seq=sent))
        # Answered out of order: settled above the cursor while `waits` was not.
        session.add(SyncDelivered(destination="mail", event_seq=answered))
    by_name = {s.destination: s for s in sync_admin.status(shop, ["mail", "sms", "portal"])}
    assert by_name["mail"].pending == 1  # `waits` alone
    assert by_name["sms"].pending == 3  # every message, none of the sales' or claims' events
    with sqlite_file(shop.path) as conn:
        total = conn.execute("SELECT count(*) FROM outbox_events").fetchone()[0]
    assert total > 6 and by_name["portal"].pending == total
