"""The monthly audit sample: drawn by a kept seed from the shop month's closed claims, once a
month, each claim reviewed by a manager with a note; every draw and review in the audit chain."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, date, datetime

import pytest

from tests.conftest import actor, stand_at, stand_on
from tests.unit.services.helpers import rows, sell
from warranty_desk.errors import BadInput, NotFound, PermissionDenied
from warranty_desk.permissions import MATRIX, Permission, Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import audit, audit_sample, claims, decisions, report_registry
from warranty_desk.storage.database import Database

MANAGER, OWNER = actor(Role.MANAGER, "Maria Manager"), actor(Role.OWNER, "Olive Owner")
ODD = ('<b>Refund</b> & "credit" — 退款金额不符; Erstattung prüfen. '
       + "Check the receipt against the ledger. " * 30).strip()


def _claim(db: Database, n: int, closed: datetime | None) -> str:
    """A claim on its own sale, rejected (closed) at `closed`, or left open when None."""
    stand_on(db, date(2026, 9, 1))
    code = sell(db, f"AS-{n}", serials=(f"AS-SN-{n}",), sold_on=date(2026, 9, 1)
                ).warranty_codes[0]
    number = claims.start_claim(db, actor(Role.SALES), claims.StartClaim(code, "No power")).number
    if closed is not None:
        stand_at(db, closed)
        decisions.decide(db, MANAGER, number, decisions.Decision(Outcome.REJECT, "No fault"))
    return number


def _october(db: Database) -> tuple[list[str], list[str]]:
    """Claims closed in October at a New York shop, and claims that are not (open, or closed
    in September or November by the shop's clock though in October by UTC's or the reverse)."""
    rows_sql(db, "UPDATE shop SET timezone = 'America/New_York'")
    inside = [_claim(db, n, datetime(2026, 10, 2 + n, 15, tzinfo=UTC)) for n in range(10)]
    # 23:30 on 31 October in New York, 1 November by UTC.
    inside.append(_claim(db, 10, datetime(2026, 11, 1, 3, 30, tzinfo=UTC)))
    outside = [_claim(db, 11, datetime(2026, 10, 1, 2, tzinfo=UTC)),  # 30 Sept in New York
               _claim(db, 12, datetime(2026, 11, 1, 5, tzinfo=UTC)),  # 1 Nov in New York
               _claim(db, 13, None)]
    stand_on(db, date(2026, 11, 22))
    return inside, outside


def rows_sql(db: Database, sql: str) -> None:
    conn = sqlite3.connect(db.path)
    try:
        conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def _by_hand(seed: int, numbers: list[str], size: int) -> list[str]:
    """The draw as an auditor would redo it with nothing but SHA-256."""
    return sorted(numbers, key=lambda n: hashlib.sha256(f"{seed}:{n}".encode()).hexdigest()
                  )[:size]


def _chain_ok(db: Database) -> bool:
    with db.read() as session:
        return audit.verify(session).ok


def test_the_draw_takes_n_claims_closed_in_the_shop_month_and_goes_into_the_audit_chain(
    shop: Database,
) -> None:
    inside, outside = _october(shop)
    drawn = audit_sample.draw(shop, MANAGER, "2026-10", size=4, seed=42)
    numbers = [c.number for c in drawn.claims]
    assert numbers == _by_hand(42, inside, 4)
    assert not set(numbers) & set(outside)
    assert (drawn.month, drawn.month_words, drawn.size, drawn.seed, drawn.closed_count,
            drawn.drawn_by) == ("2026-10", "October 2026", 4, 42, 11, "Maria Manager")
    assert [c.position for c in drawn.claims] == [1, 2, 3, 4]
    assert all(c.finding is None and c.finding_words == "Not reviewed yet" for c in drawn.claims)
    assert drawn.shortfall == "" and drawn.words.startswith("4 of the 11 claims closed in "
                                                            "October 2026, drawn with seed 42")
    [(who, details)] = rows(shop, "SELECT actor_name, details FROM audit_entries WHERE action "
                                  "= 'audit_sample.draw'")
    assert who == "Maria Manager"
    assert json.loads(str(details)) == {"size": 4, "seed": 42, "closed": 11, "claims": numbers}
    assert audit_sample.sample(shop, MANAGER, "2026-10") == drawn
    assert audit_sample.sample(shop, MANAGER, "2026-09") is None
    assert _chain_ok(shop)


def test_the_same_seed_over_the_same_claims_draws_again_the_same_and_another_seed_differs(
    shop: Database,
) -> None:
    inside, _outside = _october(shop)
    drawn = [c.number for c in audit_sample.draw(shop, OWNER, "2026-10", size=5,
                                                 seed=123_456_789).claims]
    assert list(audit_sample.redraw(shop, MANAGER, "2026-10")) == drawn
    assert list(audit_sample.draw_order(123_456_789, reversed(inside))[:5]) == drawn
    assert list(audit_sample.draw_order(987_654_321, inside)[:5]) != drawn
    assert _by_hand(987_654_321, inside, 5) == list(audit_sample.draw_order(987_654_321,
                                                                            inside)[:5])


def test_a_seed_is_made_and_kept_when_none_is_given(shop: Database) -> None:
    inside, _outside = _october(shop)
    drawn = audit_sample.draw(shop, MANAGER, "2026-10", size=3)
    assert 0 <= drawn.seed <= audit_sample.MAX_SEED
    assert [c.number for c in drawn.claims] == _by_hand(drawn.seed, inside, 3)
    assert rows(shop, "SELECT seed FROM audit_samples") == [(drawn.seed,)]


def test_drawing_a_month_again_says_plainly_when_and_by_whom_it_was_drawn(
    shop: Database,
) -> None:
    _october(shop)
    audit_sample.draw(shop, MANAGER, "2026-10", size=4, seed=42)
    before = rows(shop, "SELECT count(*) FROM audit_entries")
    with pytest.raises(BadInput) as again:
        audit_sample.draw(shop, OWNER, " 2026-10 ", size=8, seed=7)
    # Noon UTC on 22 November is 07:00 in New York.
    assert str(again.value) == (
        "The sample of October 2026 was drawn already, on 2026-11-22 at 07:00 by Maria Manager "
        "(4 claims, seed 42). A month has one sample: open it to review its claims. Nothing "
        "was drawn again.")
    assert rows(shop, "SELECT count(*) FROM audit_entries") == before
    assert rows(shop, "SELECT count(*) FROM audit_sample_claims") == [(4,)]


def test_asking_for_more_than_closed_takes_them_all_and_says_so(shop: Database) -> None:
    inside, _outside = _october(shop)
    drawn = audit_sample.draw(shop, MANAGER, "2026-10", size=50, seed=1)
    assert sorted(c.number for c in drawn.claims) == sorted(inside)
    assert drawn.shortfall == ("Only 11 claims closed in October 2026, fewer than the 50 asked "
                               "for: all are in the sample.")
    assert drawn.words.startswith(drawn.shortfall)


@pytest.mark.parametrize(("month", "size", "seed", "said"), [
    ("2026-11", 5, None, "November 2026 has not ended yet (today is 2026-11-22): draw its "
                         "sample from 2026-12-01"),
    ("2027-01", 5, None, "January 2027 has not ended yet"),
    ("2026-08", 5, None, "No claim closed in August 2026: there is nothing to draw"),
    ("2026-13", 5, None, "'2026-13' is not a month like 2026-11"),
    ("Oct 2026", 5, None, "'Oct 2026' is not a month like 2026-11"),
    ("2026-10", 0, None, "A sample holds 1 to 500 claims; 0 was asked for"),
    ("2026-10", 501, None, "A sample holds 1 to 500 claims"),
    ("2026-10", 5, -1, "A seed is a whole number from 0 to 999999999; -1 will not do"),
])
def test_a_draw_that_cannot_be_made_is_refused_in_words_and_saves_nothing(
    shop: Database, month: str, size: int, seed: int | None, said: str,
) -> None:
    _october(shop)
    with pytest.raises(BadInput) as refused:
        audit_sample.draw(shop, MANAGER, month, size=size, seed=seed)
    assert said in str(refused.value)
    assert rows(shop, "SELECT count(*) FROM audit_samples") == [(0,)]


def test_a_manager_reviews_each_claim_a_note_required_for_needs_follow_up(
    shop: Database,
) -> None:
    _october(shop)
    first, second, third = audit_sample.draw(shop, MANAGER, "2026-10", size=3, seed=42).claims
    stand_at(shop, datetime(2026, 11, 23, 14, tzinfo=UTC))
    fine = audit_sample.review(shop, MANAGER, first.number.lower(), "fine")
    assert (fine.finding, fine.finding_words, fine.note, fine.reviewed_by) == (
        "fine", "Fine", "", "Maria Manager")
    assert fine.reviewed_at == datetime(2026, 11, 23, 14, tzinfo=UTC)
    with pytest.raises(BadInput, match="Write what needs following up"):
        audit_sample.review(shop, MANAGER, second.number, "needs-follow-up", "  ok ")
    with pytest.raises(BadInput, match="'maybe' is not a finding: say fine or needs follow-up"):
        audit_sample.review(shop, MANAGER, second.number, "maybe", "Looks odd")
    with pytest.raises(BadInput, match="at most 4000"):
        audit_sample.review(shop, MANAGER, second.number, "needs follow-up", "x" * 4001)
    flagged = audit_sample.review(shop, OWNER, second.number, "Needs follow-up", f"  {ODD} ",
                                  month="2026-10")
    assert (flagged.finding, flagged.note, flagged.reviewed_by) == (
        "needs_follow_up", ODD, "Olive Owner")
    shown = audit_sample.sample(shop, MANAGER, "2026-10")
    assert shown is not None
    assert [c.finding for c in shown.claims] == ["fine", "needs_follow_up", None]
    assert shown.reviewed == 2
    # Reviewed again: the new review stands, the audit log keeps what it replaced.
    audit_sample.review(shop, MANAGER, first.number, "needs_follow_up", "Refund too high")
    details = [json.loads(str(d)) for (d,) in rows(
        shop, "SELECT details FROM audit_entries WHERE action = 'audit_sample.review' "
              "ORDER BY seq")]
    assert details == [
        {"month": "2026-10", "finding": "fine", "note": ""},
        {"month": "2026-10", "finding": "needs_follow_up", "note": ODD},
        {"month": "2026-10", "finding": "needs_follow_up", "note": "Refund too high",
         "was": {"finding": "fine", "note": "", "by": "Maria Manager"}}]
    assert rows(shop, "SELECT finding, note FROM audit_sample_claims ORDER BY position") == [
        ("needs_follow_up", "Refund too high"), ("needs_follow_up", ODD), (None, "")]
    assert _chain_ok(shop)
    assert third.finding is None


def test_a_claim_outside_the_sample_or_the_month_named_is_not_reviewed(shop: Database) -> None:
    inside, outside = _october(shop)
    drawn = audit_sample.draw(shop, MANAGER, "2026-10", size=2, seed=42)
    left_out = next(n for n in inside if n not in {c.number for c in drawn.claims})
    with pytest.raises(NotFound, match=f"Claim {left_out} is not in any month's audit sample"):
        audit_sample.review(shop, MANAGER, left_out, "fine")
    with pytest.raises(NotFound, match="is not in the sample of September 2026"):
        audit_sample.review(shop, MANAGER, drawn.claims[0].number, "fine", month="2026-09")
    with pytest.raises(NotFound, match="No claim BR01-C-2099-000001"):
        audit_sample.review(shop, MANAGER, "BR01-C-2099-000001", "fine")
    assert rows(shop, "SELECT count(*) FROM audit_entries WHERE action = "
                      "'audit_sample.review'") == [(0,)]
    assert outside


@pytest.mark.parametrize("role", list(Role))
def test_only_the_roles_the_matrix_names_draw_and_review(shop: Database, role: Role) -> None:
    _october(shop)
    who = actor(role)
    allowed = role in MATRIX[Permission.REVIEW_AUDIT_SAMPLE]
    assert allowed == (role in (Role.MANAGER, Role.OWNER))
    if not allowed:
        with pytest.raises(PermissionDenied, match="may not draw and review the monthly audit"):
            audit_sample.draw(shop, who, "2026-10", size=2, seed=42)
        audit_sample.draw(shop, MANAGER, "2026-10", size=2, seed=42)
    else:
        audit_sample.draw(shop, who, "2026-10", size=2, seed=42)
    number = str(rows(shop, "SELECT c.number FROM audit_sample_claims s JOIN claims c ON "
                            "c.id = s.claim_id ORDER BY s.position LIMIT 1")[0][0])
    if allowed:
        assert audit_sample.review(shop, who, number, "fine").reviewed_by == who.name
    else:
        with pytest.raises(PermissionDenied):
            audit_sample.review(shop, who, number, "fine")
        assert rows(shop, "SELECT count(*) FROM audit_entries WHERE action = "
                          "'audit_sample.review'") == [(0,)]


def test_the_report_lists_each_months_sample_and_every_sampled_claim_with_its_review(
    shop: Database,
) -> None:
    _october(shop)
    drawn = audit_sample.draw(shop, MANAGER, "2026-10", size=3, seed=42)
    first, second, _third = (c.number for c in drawn.claims)
    audit_sample.review(shop, MANAGER, first, "fine")
    audit_sample.review(shop, OWNER, second, "needs follow-up", ODD)
    table = report_registry.build(shop, actor(Role.FINANCE), "audit-sample",
                                  since=date(2026, 10, 15), until=date(2026, 11, 22))
    assert table.rows == (("2026-10", "2026-11-22 07:00", "Maria Manager", 42, 11, 3, 2, 1, 1),)
    listed = table.follow[0].rows
    assert [(r[0], r[1], r[2], r[6], r[7], r[8]) for r in listed] == [
        ("2026-10", 1, first, "Fine", "Maria Manager, 2026-11-22 07:00", ""),
        ("2026-10", 2, second, "Needs follow-up", "Olive Owner, 2026-11-22 07:00", ODD),
        ("2026-10", 3, drawn.claims[2].number, "Not reviewed yet", None, "")]
    assert {r[4] for r in listed} == {"reject"}
    assert "1 sampled claim(s) still to review" in table.notes[0]
    later = report_registry.build(shop, MANAGER, "audit-sample", since=date(2026, 11, 1),
                                  until=date(2026, 11, 22))
    assert later.rows == () and later.follow[0].rows == ()
    with pytest.raises(PermissionDenied):
        report_registry.build(shop, actor(Role.SALES), "audit-sample")
