"""The push engine against the real portal: order, exactly once, cursor and failures."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import actor, sqlite_file
from tests.liveportal.branch_view import BranchPortal
from tests.sync.chaos_proxy import Chaos
from tests.sync.engine_helpers import FakeTime, destination, engine, outbox
from tests.unit.services.helpers import sell
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import claims, decisions, sync_admin
from warranty_desk.storage.database import Database

SALES, MANAGER = actor(Role.SALES), actor(Role.MANAGER)


def _claim_with_history(db: Database, invoice: str = "INV-1001", serial: str = "SN-1") -> str:
    code = sell(db, invoice, serials=(serial,)).warranty_codes[0]
    number = claims.start_claim(db, SALES, claims.StartClaim(code, "Screen flickers")).number
    claims.advance(db, actor(Role.TECHNICIAN), number, ClaimState.REVIEWING)
    decisions.decide(db, MANAGER, number, decisions.Decision(Outcome.REJECT, "Liquid damage"))
    return number


def _cursor(db: Database) -> tuple[int, str | None, str | None, str | None]:
    with sqlite_file(db.path) as conn:
        row = conn.execute("SELECT delivered_seq, last_success_at, last_attempt_at, last_error "
                           "FROM sync_cursors WHERE destination='portal'").fetchone()
    return tuple(row)  # type: ignore[return-value]


def test_a_claims_events_arrive_once_in_seq_order(shop: Database, portal: BranchPortal) -> None:
    number = _claim_with_history(shop)
    report = engine(shop, destination(portal)).push_once()
    events = outbox(shop)
    assert report.delivered == len(events) and report.pending == 0 and not report.errors
    assert sorted(portal.event_ids()) == sorted(e[1] for e in events)
    topics = [e["topic"] for e in portal.events_for(number)]
    assert topics == ["claim.opened", "claim.status_changed", "claim.status_changed",
                      "claim.decided"]
    seqs = [e["seq"] for e in portal.events_for(number)]
    assert seqs == sorted(seqs)
    delivered_seq, success, attempt, error = _cursor(shop)
    assert delivered_seq == events[-1][0] and success == attempt and error is None


def test_a_second_push_sends_nothing_and_new_events_go_next(
    shop: Database, portal: BranchPortal
) -> None:
    _claim_with_history(shop)
    sync = engine(shop, destination(portal))
    sync.push_once()
    calls = len(portal.calls)
    assert sync.push_once().delivered == 0
    assert len(portal.calls) == calls
    _claim_with_history(shop, "INV-1002", "SN-2")
    assert sync.push_once().delivered > 0
    assert portal.answers["duplicate"] == 0
    assert len(portal.event_ids()) == len(outbox(shop))


def test_small_batches_carry_one_event_per_record(shop: Database, portal: BranchPortal) -> None:
    for n in range(3):
        _claim_with_history(shop, f"INV-{n}", f"SN-{n}")
    engine(shop, destination(portal, batch_size=4)).push_once()
    assert len(portal.event_ids()) == len(outbox(shop))
    assert all(c.status == 200 for c in portal.calls)
    seqs = portal.arrival_seqs()
    for number in {e[3] for e in outbox(shop) if e[2].startswith("claim.")}:
        mine = [e["seq"] for e in portal.events_for(number)]
        assert mine == sorted(mine)
    assert len(seqs) == len(set(seqs))


def test_topics_the_destination_does_not_want_are_settled_unsent(
    shop: Database, portal: BranchPortal
) -> None:
    _claim_with_history(shop)
    dest = destination(portal)
    dest._topics = frozenset({"claim.opened", "claim.decided"})
    report = engine(shop, dest).push_once()
    assert sorted(e["topic"] for e in portal.events.values()) == ["claim.decided", "claim.opened"]
    assert report.destinations[0].skipped == len(outbox(shop)) - 2
    assert _cursor(shop)[0] == outbox(shop)[-1][0]


def test_an_offline_portal_leaves_everything_pending_with_a_plain_error(
    shop: Database, portal: BranchPortal
) -> None:
    _claim_with_history(shop)
    portal.go_offline()
    report = engine(shop, destination(portal)).push_once()
    assert report.delivered == 0 and report.pending == len(outbox(shop))
    (error,) = report.errors
    assert "Could not reach the portal" in error and "token" not in error
    delivered_seq, success, attempt, last_error = _cursor(shop)
    assert delivered_seq == 0 and success is None and attempt is not None
    assert last_error is not None and "Could not reach" in last_error
    assert sync_admin.status(shop)[0].last_error == last_error
    portal.go_online()
    assert engine(shop, destination(portal)).push_once().pending == 0
    assert _cursor(shop)[3] is None


def test_a_wrong_token_parks_nothing_and_says_to_check_settings(
    shop: Database, portal: BranchPortal
) -> None:
    _claim_with_history(shop)
    report = engine(shop, destination(portal, token="expired")).push_once()
    (error,) = report.errors
    assert "refused the sync token (401)" in error and "expired" not in error
    assert report.parked == 0 and sync_admin.parked(shop) == []


def test_retry_after_is_honoured_and_the_engine_keeps_going(
    shop: Database, portal: BranchPortal
) -> None:
    _claim_with_history(shop)
    portal.chaos = Chaos(too_many=1.0, retry_after=42)
    fake = FakeTime()
    sync = engine(shop, destination(portal), fake=fake)
    first = sync.push_once().destinations[0]
    assert first.retry_after == 42 and "429" in first.error

    def heal(seconds: float) -> None:
        fake.sleep(seconds)
        if len(fake.sleeps) == 3:
            portal.chaos = Chaos()

    sync._sleep = heal
    report = sync.drain()
    assert report.pending == 0 and not report.errors
    assert len(fake.sleeps) == 3 and all(s >= 42 for s in fake.sleeps)
    assert fake.now - FakeTime().now >= timedelta(seconds=126)


def test_timeouts_and_dropped_answers_are_resent_and_dedupe(
    shop: Database, portal: BranchPortal
) -> None:
    _claim_with_history(shop)
    sync = engine(shop, destination(portal, timeout=0.2))
    portal.chaos = Chaos(drop_after_store=1.0)
    assert sync.push_once().errors
    portal.chaos = Chaos(hang=1.0, hang_seconds=0.4)
    assert "did not answer within 0.2 seconds" in sync.push_once().errors[0]
    portal.chaos = Chaos()
    assert sync.push_once().pending == 0
    assert portal.answers["duplicate"] > 0
    assert sorted(portal.event_ids()) == sorted(e[1] for e in outbox(shop))
