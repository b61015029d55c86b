"""The till tells head office each policy's terms, each sold unit names its policy, and a
claim opened from an online item names that item."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from tests.conftest import actor
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue as cat
from warranty_desk.services import claims, shop_settings
from warranty_desk.services.activation import record_sale
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database


def _payloads(db: Database, topic: str) -> list[tuple[str, dict[str, object]]]:
    conn = sqlite3.connect(db.path)
    try:
        rows = conn.execute("SELECT aggregate_id, payload FROM outbox_events WHERE topic = ? "
                            "ORDER BY seq", (topic,)).fetchall()
    finally:
        conn.close()
    return [(aggregate, json.loads(payload)) for aggregate, payload in rows]


def test_a_new_policy_sends_its_terms_in_plain_words(shop: Database) -> None:
    sent = dict(_payloads(shop, "catalogue.policy_updated"))
    policy = next(p for p in shop_settings.list_policies(shop) if p.name == "Electronics 12+12")
    terms = sent[policy.id.hex]
    assert terms["name"] == "Electronics 12+12" and terms["ref"] == policy.id.hex
    assert terms["exclusions"] == ["Accidental damage", "Liquid damage"]
    assert terms["evidence_required"] == {"fault": ["proof_of_purchase", "photo_of_fault"],
                                          "dead_on_arrival": ["proof_of_purchase"]}
    assert (terms["claim_limit_count"], terms["claim_limit_period_months"]) == (2, 12)


def test_a_changed_policy_sends_the_whole_terms_not_only_the_change(shop: Database) -> None:
    policy = next(p for p in shop_settings.list_policies(shop) if p.name == "Electronics 12+12")
    shop_settings.update_policy(shop, actor(Role.OWNER), policy.id, cat.PolicyInput(
        name="Electronics 12+12", manufacturer_months=12, shop_months=12,
        exclusions=("Accidental damage", "Liquid damage", "Cracked screens"),
        evidence_required={"fault": ("photo_of_fault",)},
        claim_limit_count=3, claim_limit_period_months=24))
    last = [p for ref, p in _payloads(shop, "catalogue.policy_updated") if ref == policy.id.hex][-1]
    assert set(last["changed"]) >= {"exclusions", "claim_limit_count"}  # type: ignore[arg-type]
    assert last["exclusions"] == ["Accidental damage", "Liquid damage", "Cracked screens"]
    assert last["evidence_required"] == {"fault": ["photo_of_fault"]}
    assert (last["claim_limit_count"], last["claim_limit_period_months"]) == (3, 24)


def test_each_sold_unit_names_its_policy(shop: Database) -> None:
    cat.add_products(shop, actor(Role.OWNER), [cat.ProductInput(
        sku="LAP-9", name="Laptop", brand="Lumen", category="laptops",
        policy="Electronics 12+12", list_price_minor=50_000)])
    record_sale(shop, actor(Role.SALES), SaleInput(
        "INV-1", date(2026, 11, 1), (LineInput("LAP-9", 1, 50_000, ("S1",)),)))
    policy = next(p for p in shop_settings.list_policies(shop) if p.name == "Electronics 12+12")
    [(_, card)] = _payloads(shop, "warranty.activated")
    assert (card["policy"], card["policy_ref"]) == ("Electronics 12+12", policy.id.hex)


def test_a_claim_opened_from_an_online_item_names_the_item_and_a_counter_claim_does_not(
    shop: Database,
) -> None:
    sold = record_sale(shop, actor(Role.SALES), SaleInput(
        "INV-2", date(2026, 11, 1), (LineInput("CBL-1", 2, 1_500),)))
    first, second = sold.warranty_codes
    claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(
        first, "Stopped charging", channel="portal", external_ref="web-7f3a"))
    claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(second, "Frayed cable"))
    opened = [p for _, p in _payloads(shop, "claim.opened")]
    assert [p.get("external_ref") for p in opened] == ["web-7f3a", None]
