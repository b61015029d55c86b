"""Refused events park alone; later events of the same record wait; retry and dismiss free them."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import insert, update

from tests.conftest import actor, sqlite_file
from tests.liveportal.branch_view import BranchPortal
from tests.sync.engine_helpers import destination, engine, outbox
from warranty_desk.errors import BadInput
from warranty_desk.models import OutboxEvent
from warranty_desk.permissions import Role
from warranty_desk.services import sync_admin
from warranty_desk.storage.database import Database

OWNER = actor(Role.OWNER, "Olive Owner")
# The real portal's refusal: another branch holds the event's id already (BranchPortal.refuse).
REFUSAL = "was already sent by another branch"


def _claim_events(db: Database, number: str) -> list[tuple[int, str, str, str]]:
    return [e for e in outbox(db) if e[3] == number]


def _refuse_opened_of(db: Database, portal: BranchPortal, number: str, also: str = ""
                     ) -> list[str]:
    """Make the portal refuse the claim's opening event (and its `also` event); their ids."""
    ids = [e[1] for e in _claim_events(db, number) if e[2] in ("claim.opened", also)]
    portal.refuse(ids)
    return ids


def test_one_refused_event_parks_alone_and_holds_only_its_own_record(
    claims_db: Database, portal: BranchPortal
) -> None:
    events = outbox(claims_db)
    number = "BR01-C-2026-000500"
    mine = _claim_events(claims_db, number)
    assert [e[2] for e in mine] == ["claim.opened", "claim.status_changed", "claim.decided"]
    _refuse_opened_of(claims_db, portal, number)
    report = engine(claims_db, destination(portal)).push_once()
    assert report.parked == 3 and report.pending == 0 and not report.errors
    assert set(portal.event_ids()) == {e[1] for e in events} - {e[1] for e in mine}
    claims_arrived = {e["aggregate_id"] for e in portal.events.values()
                      if e["topic"] == "claim.opened"}
    assert len(claims_arrived) == 999
    views = sync_admin.parked(claims_db, "portal")
    assert [(v.seq, v.kind, v.topic) for v in views] == [
        (mine[0][0], "rejected", "claim.opened"), (mine[1][0], "held", "claim.status_changed"),
        (mine[2][0], "held", "claim.decided")]
    assert REFUSAL in views[0].reason and mine[0][1] in views[0].reason
    assert views[1].reason == (f"Waits behind event {mine[0][0]}, which head office refused: "
                               f"{views[0].reason}")
    status = sync_admin.status(claims_db)[0]
    assert (status.pending, status.parked, status.held) == (0, 1, 2)


def test_a_retried_event_goes_first_and_its_held_events_follow_in_order(
    claims_db: Database, portal: BranchPortal
) -> None:
    number = "BR01-C-2026-000007"
    refused = _refuse_opened_of(claims_db, portal, number)
    sync = engine(claims_db, destination(portal))
    sync.push_once()
    assert sync.push_once().delivered == 0  # still refused, nothing changed
    before = len(portal.event_ids())
    portal.accept(refused)
    sync_admin.retry_parked(claims_db, OWNER, "portal", _claim_events(claims_db, number)[0][0])
    report = sync.push_once()
    assert report.delivered == 3 and report.parked == 0
    arrived = portal.event_ids()[before:]
    assert arrived == [e[1] for e in _claim_events(claims_db, number)]
    assert sync_admin.parked(claims_db) == []
    states = {v.state for v in sync_admin.parked(claims_db, include_settled=True)}
    assert states == {"delivered"}
    with sqlite_file(claims_db.path) as conn:
        assert conn.execute("SELECT count(*) FROM audit_entries WHERE action='sync.retry'"
                            ).fetchone()[0] == 1


def test_new_events_of_a_held_record_wait_too(claims_db: Database, portal: BranchPortal) -> None:
    number = "BR01-C-2026-000003"
    _refuse_opened_of(claims_db, portal, number)
    sync = engine(claims_db, destination(portal))
    sync.push_once()
    with claims_db.write() as session:
        session.execute(insert(OutboxEvent).values(
            topic="claim.note_added", aggregate="claim", aggregate_id=number,
            payload=json.dumps({"note": "Customer called"})))
    assert sync.push_once().parked == 1
    held = sync_admin.parked(claims_db)[-1]
    assert held.kind == "held" and held.topic == "claim.note_added"


def test_a_held_event_refused_on_its_own_becomes_the_new_head(
    claims_db: Database, portal: BranchPortal
) -> None:
    number = "BR01-C-2026-000011"
    opened, changed, decided = _claim_events(claims_db, number)
    _refuse_opened_of(claims_db, portal, number, also="claim.decided")
    sync = engine(claims_db, destination(portal))
    sync.push_once()
    portal.accept([opened[1]])  # the decision stays refused on its own
    sync_admin.retry_parked(claims_db, OWNER, "portal", opened[0])
    sync.push_once()
    assert [e["seq"] for e in portal.events_for(number)] == [opened[0], changed[0]]
    (view,) = sync_admin.parked(claims_db)
    assert (view.seq, view.kind) == (decided[0], "rejected")
    assert REFUSAL in view.reason and decided[1] in view.reason


def test_dismissing_needs_a_reason_is_audited_and_releases_the_held_events(
    claims_db: Database, portal: BranchPortal
) -> None:
    number = "BR01-C-2026-000123"
    opened, changed, decided = _claim_events(claims_db, number)
    _refuse_opened_of(claims_db, portal, number)
    sync = engine(claims_db, destination(portal))
    sync.push_once()
    with pytest.raises(BadInput):
        sync_admin.dismiss_parked(claims_db, OWNER, "portal", opened[0], "  ")
    view = sync_admin.dismiss_parked(claims_db, OWNER, "portal", opened[0],
                                     "Head office re-keyed this claim by hand")
    assert view.state == "dismissed" and view.settled_by == "Olive Owner"
    assert sync.push_once().delivered == 2
    assert [e["seq"] for e in portal.events_for(number)] == [changed[0], decided[0]]
    with sqlite_file(claims_db.path) as conn:
        details = conn.execute("SELECT details FROM audit_entries WHERE action='sync.dismiss'"
                               ).fetchone()[0]
    assert "re-keyed" in details
    assert sync_admin.parked(claims_db) == []


def test_a_malformed_event_is_found_by_splitting_the_batch(
    claims_db: Database, portal: BranchPortal
) -> None:
    victim = outbox(claims_db)[321]
    with claims_db.write() as session:
        session.execute(update(OutboxEvent).where(OutboxEvent.seq == victim[0])
                        .values(topic="claim.v2_opened"))
    report = engine(claims_db, destination(portal)).push_once()
    assert not report.errors and report.pending == 0
    refused = [v for v in sync_admin.parked(claims_db) if v.kind == "rejected"]
    assert [v.seq for v in refused] == [victim[0]]
    assert "topic" in refused[0].reason and "does not match" in refused[0].reason
    assert uuid.UUID(victim[1]) and victim[1] not in portal.events
    assert sum(1 for c in portal.calls if c.status == 400) <= 2 * 9
