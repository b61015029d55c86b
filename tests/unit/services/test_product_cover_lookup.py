"""The counter's product lookup words a product's cover, and head office hears what it needs to
word it the same way (catalogue.products_added, catalogue.policy_updated)."""

from __future__ import annotations

import json
import sqlite3

from tests.conftest import actor
from warranty_desk.permissions import Role
from warranty_desk.services.lookup import lookup
from warranty_desk.services.product_cover import product_cover_of
from warranty_desk.services.shop_settings import list_policies
from warranty_desk.storage.database import Database

SALES = actor(Role.SALES)


def _sent(db: Database, topic: str) -> list[dict[str, object]]:
    conn = sqlite3.connect(db.path)
    try:
        rows = conn.execute("SELECT payload FROM outbox_events WHERE topic = ? ORDER BY seq",
                            (topic,)).fetchall()
    finally:
        conn.close()
    return [json.loads(payload) for (payload,) in rows]


def test_scanning_a_product_barcode_says_the_product_and_the_cover_it_comes_with(
    shop: Database,
) -> None:
    found = lookup(shop, SALES, "9506000134352")
    assert found.outcome == "not_found" and found.product is not None
    assert found.message == (
        "That is the product barcode of Lumen 14 Laptop, not the unit's serial. It comes with "
        "12 months manufacturer's warranty, then 12 months from the shop. Scan the serial "
        "number label, or type the serial.")
    cover = found.product.cover
    assert (cover.exclusions, cover.terms) == (("Accidental damage", "Liquid damage"),
                                               "Covers faults in materials and workmanship.")
    # Both plans take laptops priced 899.00; each priced in the shop's currency and locale.
    assert [(p.code, p.price) for p in cover.plans] == [("CARE-12", "€49.00"),
                                                        ("CAREPLUS-24", "€99.00")]
    assert cover.plans[0].words == ("Care 12: 12 months more cover for €49.00, bought within "
                                    "60 days of the sale.")


def test_a_product_is_found_by_sku_or_any_form_of_its_gtin_and_an_unknown_one_is_none(
    shop: Database,
) -> None:
    by_sku = product_cover_of(shop, SALES, " CBL-1 ")
    assert by_sku is not None and by_sku.cover.cover == "6 months manufacturer's warranty."
    assert by_sku.cover.plans == () and by_sku.cover.serial_note == ""
    for typed in ("9506000134352", "09506000134352"):
        found = product_cover_of(shop, SALES, typed)
        assert found is not None and found.sku == "LAP-100"
    assert product_cover_of(shop, SALES, "NOPE") is None


def test_head_office_hears_each_products_details_and_each_policys_cover(
    shop: Database,
) -> None:
    added = _sent(shop, "catalogue.products_added")[-1]
    electronics = next(p for p in list_policies(shop) if p.name == "Electronics 12+12")
    assert (added["currency"], added["locale"]) == ("EUR", "en_GB")
    assert added["products"][0] == {  # type: ignore[index]
        "sku": "LAP-100", "name": "Lumen 14 Laptop", "gtin": "09506000134352",
        "brand": "Lumen", "category": "laptops", "list_price_minor": 89_900,
        "policy_ref": electronics.id.hex, "serial_required": True}
    policy = next(p for p in _sent(shop, "catalogue.policy_updated")
                  if p["ref"] == electronics.id.hex)
    assert (policy["manufacturer_months"], policy["shop_months"], policy["serial_required"],
            policy["terms"]) == (12, 12, True, "Covers faults in materials and workmanship.")


def test_a_large_catalogue_goes_to_head_office_in_events_of_200_products(
    shop: Database,
) -> None:
    from warranty_desk.services import catalogue

    catalogue.add_products(shop, actor(Role.OWNER), [catalogue.ProductInput(
        sku=f"BULK-{n:04d}", name=f"Bulk product {n} with a long name " + "x" * 80,
        brand="Orbit", category="phones", policy="Electronics 12+12", gtin=None)
        for n in range(450)])
    sent = _sent(shop, "catalogue.products_added")[1:]
    assert [len(e["products"]) for e in sent] == [200, 200, 50]
    assert [e["skus"] for e in sent] == [[p["sku"] for p in e["products"]]
                                         for e in sent]
    assert max(len(json.dumps(e)) for e in sent) < 256 * 1024 // 4
