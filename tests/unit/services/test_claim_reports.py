"""Resolution completion and refund accuracy, each against figures worked out here from the rows."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import TODAY, actor, stand_on
from tests.unit.services.helpers import rows, sell
from warranty_desk.errors import BadInput
from warranty_desk.permissions import Actor, Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import claims, decisions, report_registry, staff
from warranty_desk.storage.database import Database

SALES, TECH, VIEWER = actor(Role.SALES), actor(Role.TECHNICIAN), actor(Role.FINANCE)
SINCE = TODAY - timedelta(days=120)
# The shop's refund limits, written out here rather than read from the code under test.
LIMITS = {"manager": 50_000, "owner": None}


def _ready(db: Database, n: int) -> str:
    code = sell(db, f"INV-{n}", serials=(f"SN-LAP-{n:04d}",),
                sold_on=date(2026, 6, 1)).warranty_codes[0]
    number = claims.start_claim(db, SALES, claims.StartClaim(code, "Screen flickers")).number
    claims.advance(db, TECH, number, ClaimState.REVIEWING)
    for k, kind in enumerate(("proof_of_purchase", "photo_of_fault")):
        claims.attach_evidence(db, SALES, number, kind=kind, sha256=f"{n:032x}{k:032x}",
                               media_type="image/jpeg", size=100, original_name=f"{kind}.jpg")
    claims.advance(db, TECH, number, ClaimState.INSPECTING)
    return number


def _sql(db: Database, statement: str, *args: object) -> None:
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute(statement, args)
    conn.close()


@pytest.fixture
def people(shop: Database, fast_hasher: None) -> dict[str, Actor]:
    owner = actor(Role.OWNER)
    found = {}
    for name, role, pin in (("Maria Manager", Role.MANAGER, "5555"),
                            ("Max Manager", Role.MANAGER, "5556"),
                            ("Olive Owner", Role.OWNER, "7777")):
        staff.create_staff(shop, owner, name, role, pin)
        found[name.split()[0]] = staff.sign_in(shop, name, pin)
    return found


def _refund(db: Database, who: Actor, n: int, amount: int) -> str:
    number = _ready(db, n)
    decisions.decide(db, who, number, decisions.Decision(
        Outcome.REFUND, "Cannot be repaired", refund_minor=amount, refund_reference=f"R-{n}"))
    return number


def _zone(db: Database) -> ZoneInfo:
    return ZoneInfo(str(rows(db, "SELECT timezone FROM shop")[0][0]))


def _local(db: Database, stored: object) -> date:
    return datetime.fromisoformat(str(stored)).replace(tzinfo=UTC).astimezone(_zone(db)).date()


def test_resolution_completion_counts_each_month_as_the_rows_say(
    shop: Database, people: dict[str, Actor]
) -> None:
    stand_on(shop, TODAY - timedelta(days=70))
    on_time = _ready(shop, 1)
    late = _ready(shop, 2)
    decisions.decide(shop, people["Maria"], on_time,
                     decisions.Decision(Outcome.REPAIR, "Replaced the connector"))
    stand_on(shop, TODAY - timedelta(days=40))  # past the ten days promised
    decisions.decide(shop, people["Maria"], late, decisions.Decision(Outcome.REJECT, "Liquid"))
    stand_on(shop, TODAY - timedelta(days=5))
    _ready(shop, 3)  # still open
    done = _ready(shop, 4)
    decisions.decide(shop, people["Maria"], done,
                     decisions.Decision(Outcome.REPAIR, "Reseated the cable"))
    stand_on(shop, TODAY)
    table = report_registry.build(shop, VIEWER, "resolution-completion", since=SINCE)
    # Worked out here, from the claims table alone.
    expected: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    for opened_at, state, closed_at, promised in rows(
            shop, "SELECT opened_at, state, closed_at, promised_on FROM claims"):
        c = expected[_local(shop, opened_at).strftime("%Y-%m")]
        c[0] += 1
        c[1] += state == "resolved"
        c[2] += state == "rejected"
        c[3] += state not in ("resolved", "rejected")
        c[4] += closed_at is not None and _local(shop, closed_at) <= date.fromisoformat(
            str(promised))
    assert len(expected) == 2
    total = [sum(c[n] for c in expected.values()) for n in range(5)]
    want = [(m, *c, round(100 * (c[1] + c[2]) / c[0], 1),
             round(100 * c[4] / (c[1] + c[2]), 1) if c[1] + c[2] else None)
            for m, c in sorted(expected.items())]
    want.append(("All", *total, round(100 * (total[1] + total[2]) / total[0], 1),
                 round(100 * total[4] / (total[1] + total[2]), 1)))
    assert [tuple(r) for r in table.rows] == want
    assert total == [4, 2, 1, 1, 2]  # the story above, as a person tells it


def test_refund_accuracy_checks_price_limit_and_ledger_as_the_rows_say(
    shop: Database, people: dict[str, Actor]
) -> None:
    stand_on(shop, TODAY - timedelta(days=45))
    _refund(shop, people["Maria"], 1, 30_000)  # right
    _refund(shop, people["Olive"], 2, 89_900)  # right: the owner has no limit
    stand_on(shop, TODAY - timedelta(days=3))
    edited = _refund(shop, people["Maria"], 3, 40_000)
    # Changed behind the app's back: over the manager's limit, and no longer the cost posted.
    _sql(shop, "UPDATE claims SET refund_minor = 60000 WHERE number = ?", edited)
    demoted = _refund(shop, people["Max"], 4, 20_000)
    _sql(shop, "UPDATE staff SET role = 'sales' WHERE name = 'Max Manager'")
    cheap = _refund(shop, people["Maria"], 5, 25_000)
    _sql(shop, "UPDATE invoice_lines SET unit_price_minor = 19900 WHERE id = (SELECT "
               "w.invoice_line_id FROM warranties w JOIN claims c ON c.warranty_id = w.id "
               "WHERE c.number = ?)", cheap)
    stand_on(shop, TODAY)
    table = report_registry.build(shop, VIEWER, "refund-accuracy", since=SINCE)
    # Worked out here from the rows: the claim, what was paid, who approved it, the ledger.
    expected: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    missed = set()
    for number, closed_at, amount, paid, role, posted in rows(shop, """
            SELECT c.number, c.closed_at, c.refund_minor, l.unit_price_minor, s.role,
                   (SELECT sum(p.amount_minor) FROM cost_postings p
                     WHERE p.claim_id = c.id AND p.kind = 'refund')
            FROM claims c
            JOIN warranties w ON w.id = c.warranty_id
            JOIN invoice_lines l ON l.id = w.invoice_line_id
            JOIN claim_events e ON e.claim_id = c.id AND e.to_state = 'resolved'
            JOIN staff s ON s.id = coalesce(e.override_by_id, e.staff_id)
            WHERE c.outcome = 'refund'"""):
        limit = LIMITS.get(str(role), 0)
        price_ok = int(str(amount)) <= int(str(paid))
        limit_ok = limit is None or int(str(amount)) <= limit
        ledger_ok = posted == amount
        m = expected[_local(shop, closed_at).strftime("%Y-%m")]
        for n, value in enumerate((1, int(str(amount)), price_ok, limit_ok, ledger_ok,
                                   price_ok and limit_ok and ledger_ok)):
            m[n] += int(value)
        if not (price_ok and limit_ok and ledger_ok):
            missed.add(number)
    want = [(month, *m, round(100 * m[5] / m[0], 1)) for month, m in sorted(expected.items())]
    assert [tuple(r) for r in table.rows] == want
    assert sum(m[5] for m in expected.values()) == 2  # the two left alone
    listed = {r[0]: str(r[6]) for r in table.follow[0].rows}
    assert set(listed) == missed == {edited, demoted, cheap}
    assert listed[edited] == ("over the refund limit of a warranty manager; the refund cost "
                              "posted differs from the refund")
    assert listed[demoted] == "over the refund limit of a sales staff"
    assert listed[cheap] == "more than the customer paid"


def test_a_period_that_ends_before_it_starts_is_refused(shop: Database) -> None:
    from warranty_desk.services.claim_reports import refund_accuracy_in
    from warranty_desk.services.unit_of_work import UnitOfWork

    with UnitOfWork.read(shop) as uow, pytest.raises(BadInput, match="swap the dates"):
        refund_accuracy_in(uow, VIEWER, since=TODAY, until=TODAY - timedelta(days=1))
