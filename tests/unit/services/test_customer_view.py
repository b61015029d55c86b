"""The customer view through the real services: profile, search, segment and follow-up."""

from __future__ import annotations

import json

import pytest

from tests.conftest import actor, sqlite_file, sqlite_rows
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, NotFound, PermissionDenied
from warranty_desk.permissions import Role
from warranty_desk.services import claims, customer_view
from warranty_desk.storage.database import Database

SALES, SUPPORT, STORE = actor(Role.SALES), actor(Role.SUPPORT), actor(Role.STOREKEEPER)


def _ada(db: Database) -> str:
    """Sell Ada two units and open a claim on one; her customer reference."""
    codes = sell(db, "INV-1", serials=("SN-LAP-0001", "SN-LAP-0002")).warranty_codes
    claims.start_claim(db, SALES, claims.StartClaim(codes[0], "Will not charge"))
    (ref,) = sqlite_rows(db.path, "SELECT reference FROM customers")[0]
    return str(ref)


def test_a_profile_shows_purchases_with_verdicts_claims_and_messages(shop: Database) -> None:
    ref = _ada(shop)
    profile = customer_view.customer_profile(shop, STORE, ref)
    assert (profile.name, profile.phone, profile.segment) == ("Ada Lovelace", "+442079460958",
                                                             "retail")
    assert profile.purchase_count == 2
    assert {p.serial for p in profile.purchases} == {"SN-LAP-0001", "SN-LAP-0002"}
    assert {p.verdict for p in profile.purchases} == {"in_cover"}
    (claim,) = profile.claims
    assert (claim.state, claim.product_name, claim.serial) == (
        "received", "Lumen 14 Laptop", "SN-LAP-0001")
    assert profile.messages[0].claim_number == claim.number
    assert profile.messages[0].state == "queued"


def test_an_unknown_reference_says_how_to_find_the_customer(shop: Database) -> None:
    with pytest.raises(NotFound) as missing:
        customer_view.customer_profile(shop, STORE, "BR01-CU-999999")
    assert "Search by name or phone" in str(missing.value)


def test_customers_are_found_by_name_prefix_and_by_phone_typed_either_way(
    shop: Database,
) -> None:
    ref = _ada(shop)
    assert [c.reference for c in customer_view.find_customers(shop, SALES, "lov")] == [ref]
    assert [c.reference for c in customer_view.find_customers(shop, SALES, "020 7946 0958")
            ] == [ref]
    assert [c.reference for c in customer_view.find_customers(shop, SALES, "+44 20 7946 0958")
            ] == [ref]
    assert customer_view.find_customers(shop, SALES, "Babbage") == ()
    assert customer_view.find_customers(shop, SALES, "   ") == ()


def test_changing_the_segment_is_audited_and_sent_to_the_crm(shop: Database) -> None:
    ref = _ada(shop)
    brief = customer_view.set_segment(shop, SUPPORT, ref, "VIP")
    assert brief.segment == "vip"
    with sqlite_file(shop.path) as conn:
        assert conn.execute("SELECT segment FROM customers").fetchone() == ("vip",)
        details = conn.execute("SELECT details FROM audit_entries WHERE action='customer.segment'"
                               ).fetchone()[0]
        assert json.loads(details) == {"from": "retail", "to": "vip"}
        payload = conn.execute("SELECT payload FROM outbox_events WHERE topic='customer.updated'"
                               ).fetchone()[0]
        assert json.loads(payload)["segment"] == "vip"
    # The changed row was re-indexed for search, so the search shows the new segment.
    assert [c.segment for c in customer_view.find_customers(shop, SALES, "Ada")] == ["vip"]


def test_an_unknown_segment_is_refused_and_storekeepers_may_not_change_it(
    shop: Database,
) -> None:
    ref = _ada(shop)
    with pytest.raises(BadInput):
        customer_view.set_segment(shop, SUPPORT, ref, "gold")
    with pytest.raises(PermissionDenied):
        customer_view.set_segment(shop, STORE, ref, "vip")


def test_a_retention_follow_up_needs_a_reason_and_keeps_it(shop: Database) -> None:
    ref = _ada(shop)
    with pytest.raises(BadInput):
        customer_view.set_retention_follow_up(shop, SUPPORT, ref, True, "")
    brief = customer_view.set_retention_follow_up(shop, SUPPORT, ref, True,
                                                  "Second claim this month")
    assert brief.retention_follow_up
    assert customer_view.customer_profile(shop, SALES, ref).retention_follow_up
    details = sqlite_rows(
        shop.path, "SELECT details FROM audit_entries WHERE action='customer.retention'")[0][0]
    assert json.loads(details) == {"flag": True, "reason": "Second claim this month"}
