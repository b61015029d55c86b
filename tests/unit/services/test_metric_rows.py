"""The metric rows read for a range and filters, and the figures over them, against counts
worked out here straight from the database file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import TODAY, actor, stand_at, stand_on
from tests.unit.services.helpers import rows, sell, write_sql
from warranty_desk.errors import BadInput
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import claims, decisions
from warranty_desk.services.metric_figures import Figure, compare, figures, weekly
from warranty_desk.services.metric_rows import load
from warranty_desk.storage.database import Database

SALES, TECH, BOSS = actor(Role.SALES), actor(Role.TECHNICIAN), actor(Role.OWNER)
VIEWER = actor(Role.FINANCE)
SINCE = TODAY - timedelta(days=30)


def _claim(db: Database, invoice: str, sku: str, serial: str) -> str:
    code = sell(db, invoice, sku=sku, serials=(serial,), sold_on=TODAY - timedelta(days=60)
                ).warranty_codes[0]
    return claims.start_claim(db, SALES, claims.StartClaim(code, "Will not start")).number


@pytest.fixture
def story(shop: Database) -> dict[str, str]:
    """Two Lumen laptop claims and one Orbit phone claim in the range, one Lumen before it."""
    stand_on(shop, SINCE - timedelta(days=10))
    before = _claim(shop, "INV-1", "LAP-100", "SN-L-1")
    stand_on(shop, TODAY - timedelta(days=20))
    lap = _claim(shop, "INV-2", "LAP-100", "SN-L-2")
    decisions.post_cost(shop, BOSS, lap, decisions.CostLine("labour", 4_500))
    decisions.post_cost(shop, BOSS, lap, decisions.CostLine("parts", 2_000))
    phone = _claim(shop, "INV-3", "PHN-200", "SN-P-1")
    claims.advance(shop, TECH, phone, ClaimState.REVIEWING)
    for k, kind in enumerate(("proof_of_purchase", "photo_of_fault")):
        claims.attach_evidence(shop, SALES, phone, kind=kind, sha256=f"{k:064x}",
                               media_type="image/jpeg", size=100, original_name=f"{kind}.jpg")
    claims.advance(shop, TECH, phone, ClaimState.INSPECTING)
    stand_on(shop, TODAY - timedelta(days=10))
    decisions.decide(shop, BOSS, phone, decisions.Decision(
        Outcome.REFUND, "Cannot be repaired", refund_minor=30_000, refund_reference="R-1"))
    refunded = _claim(shop, "INV-4", "LAP-100", "SN-L-3")
    decisions.post_cost(shop, BOSS, refunded, decisions.CostLine("shipping", 1_000))
    stand_on(shop, TODAY)
    return {"before": before, "lap": lap, "phone": phone, "late_lap": refunded}


def _by(figs: tuple[Figure, ...]) -> dict[str, Figure]:
    return {f.key: f for f in figs}


def test_claims_opened_and_their_cost_match_the_database(
        shop: Database, story: dict[str, str]) -> None:
    got = load(shop, VIEWER, since=SINCE, until=TODAY)
    # Worked out here, from the file: claims opened in the range, and what was posted on them.
    start = datetime.combine(SINCE, datetime.min.time()).isoformat(" ")
    opened = {str(n) for (n,) in rows(shop, "SELECT number FROM claims WHERE opened_at >= ?",
                                      start)}
    spent = sum(int(str(a)) for (a,) in rows(shop, """
        SELECT p.amount_minor FROM cost_postings p JOIN claims c ON c.id = p.claim_id
        WHERE c.opened_at >= ? AND p.kind != 'write_off'""", start))
    figs = _by(figures(got))
    assert set(figs["claim-volume"].behind) == opened
    assert figs["claim-volume"].value == len(opened) == 3
    assert figs["cost-per-claim"].value == spent // len(opened)
    assert figs["cost-labour"].behind == (story["lap"],)
    # The claim opened before the range is still open in it: open, not opened.
    assert story["before"] in figs["open-claims"].behind
    assert figs["open-claims"].value == 3
    assert figs["refund-accuracy"].behind == (story["phone"],)
    assert figs["resolution-speed"].value == 10
    # Nothing has gone to head office yet: every event written in the range is waiting.
    events = rows(shop, "SELECT count(*) FROM outbox_events WHERE created_at >= ?", start)[0][0]
    assert sum(r.count for r in got.synced) == events
    assert {r.state for r in got.synced} == {"waiting"}
    assert figs["sync-success"].value == 0.0


def test_a_brand_filter_and_compare_by_brand_split_the_same_rows(
        shop: Database, story: dict[str, str]) -> None:
    lumen = load(shop, VIEWER, since=SINCE, until=TODAY, filters={"brand": "Lumen"})
    assert {c.number for c in lumen.claims} == {story["before"], story["lap"],
                                                 story["late_lap"]}
    assert lumen.refunds == ()  # the refund was on the Orbit phone
    every = load(shop, VIEWER, since=SINCE, until=TODAY)
    groups = compare(every, "brand")
    assert sorted(groups) == ["Lumen", "Orbit"]
    # Compare by and a filter give the same figures for the same brand.
    assert [(f.key, f.value, f.behind) for f in groups["Lumen"] if f.key.startswith("cost")] \
        == [(f.key, f.value, f.behind) for f in figures(lumen) if f.key.startswith("cost")]
    by_brand = {b: _by(found)["claim-volume"].value for b, found in groups.items()}
    assert by_brand == {"Lumen": 2, "Orbit": 1}
    # Decided by an owner with no staff row: nobody on record approved it, so it misses.
    assert _by(groups["Orbit"])["refund-accuracy"].value == 0.0
    assert _by(groups["Lumen"])["refund-accuracy"].value is None


def test_every_filter_field_is_offered_and_an_unknown_one_is_refused_in_words(
        shop: Database, story: dict[str, str]) -> None:
    for field, value, count in (("product", "PHN-200", 1), ("category", "laptops", 3),
                                ("branch", "BR01", 4), ("supplier", "Orbit", 1),
                                ("staff", "not recorded", 4)):
        got = load(shop, VIEWER, since=SINCE, until=TODAY, filters={field: value})
        assert len(got.claims) == count, field
    with pytest.raises(BadInput, match=r"There is no filter 'colour'\. Filter by: product"):
        load(shop, VIEWER, since=SINCE, until=TODAY, filters={"colour": "red"})
    with pytest.raises(BadInput, match="Compare by: product, brand"):
        compare(load(shop, VIEWER, since=SINCE, until=TODAY), "colour")


def test_the_shops_zone_decides_which_day_a_late_claim_falls_on(shop: Database) -> None:
    write_sql(shop, "UPDATE shop SET timezone = 'America/New_York'")
    last = TODAY - timedelta(days=1)
    # 23:30 in New York on the last day of the range is 04:30 UTC the day after.
    stand_at(shop, datetime(last.year, last.month, last.day, 4, 30, tzinfo=UTC)
             + timedelta(days=1))
    inside = _claim(shop, "INV-7", "LAP-100", "SN-L-7")
    stand_at(shop, datetime(last.year, last.month, last.day, 5, 30, tzinfo=UTC)
             + timedelta(days=1))  # 00:30 the next day in New York
    _claim(shop, "INV-8", "LAP-100", "SN-L-8")
    got = load(shop, VIEWER, since=last, until=last)
    assert [c.number for c in got.opened()] == [inside]
    assert sum(weekly(got)["opened"].values()) == 1


def test_registration_gaps_and_activations_from_the_warranties_sold(shop: Database) -> None:
    sell(shop, "INV-20", sku="TV-55", serials=("SN-TV-1",), sold_on=TODAY - timedelta(days=3))
    sell(shop, "INV-21", sku="TV-55", serials=("SN-TV-2",), sold_on=TODAY - timedelta(days=2))
    sell(shop, "INV-22", sku="CBL-1", serials=(), sold_on=TODAY - timedelta(days=2))
    # A till import that lost a serial: the unit needs one and has none.
    write_sql(shop, "UPDATE warranties SET serial = NULL WHERE serial = 'SN-TV-2'")
    gap = str(rows(shop, "SELECT code FROM warranties WHERE serial IS NULL AND product_id = "
                         "(SELECT id FROM products WHERE sku = 'TV-55')")[0][0])
    figs = _by(figures(load(shop, VIEWER, since=SINCE, until=TODAY)))
    assert figs["registration-gaps"].behind == (gap,)
    assert figs["activations"].value == 3


def test_an_empty_range_has_no_figures_to_divide_and_a_backwards_one_is_refused(
        shop: Database) -> None:
    figs = _by(figures(load(shop, VIEWER, since=TODAY, until=TODAY)))
    assert figs["claim-volume"].value == 0
    assert figs["cost-per-claim"].value is None
    assert figs["resolution-speed"].value is None
    with pytest.raises(BadInput, match="swap the dates"):
        load(shop, VIEWER, since=TODAY, until=date(2026, 1, 1))
