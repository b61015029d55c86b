"""Registration: imported sales opened by invoice, serials filled in, the hand-entry catalogue."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.conftest import TODAY, actor, sqlite_file, sqlite_rows
from tests.unit.imports.import_helpers import DATA, run
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, NotFound, PermissionDenied, RuleBlocked
from warranty_desk.permissions import Role
from warranty_desk.services import activation, lookup, registration
from warranty_desk.storage.database import Database

SALES = actor(Role.SALES)


def _imported(db: Database) -> registration.SaleCapture:
    run(db, DATA / "shopify_good.csv")
    return registration.sale_for_capture(db, SALES, "#1002")


def test_an_imported_sale_opens_with_its_units_and_the_serials_it_lacks(shop: Database) -> None:
    capture = _imported(shop)
    assert (capture.invoice_number, capture.source, capture.sold_on) == (
        "#1002", "shopify", date(2026, 11, 10))
    assert capture.customer_name == "Tom Berger"
    laptop, cables = capture.lines
    assert (laptop.sku, laptop.quantity, laptop.serial_required) == ("LAP-100", 1, True)
    assert (cables.sku, cables.quantity, cables.serial_required) == ("CBL-1", 3, False)
    assert len(cables.units) == 3
    assert capture.missing_serials == (laptop.units[0].warranty_code,)


def test_an_imported_laptop_line_offers_both_plans_and_the_cable_line_none(
    shop: Database,
) -> None:
    laptop, cables = _imported(shop).lines
    assert [o.plan for o in laptop.extension_offers] == ["Care+ 24", "Care 12"]
    assert cables.extension_offers == ()


def test_the_invoice_number_is_found_in_any_case_and_an_unknown_one_is_named(
    shop: Database,
) -> None:
    sell(shop, "inv-77")
    assert registration.sale_for_capture(shop, SALES, " inv-77 ").lines
    with pytest.raises(NotFound, match="No invoice INV-404"):
        registration.sale_for_capture(shop, SALES, "INV-404")


def test_a_registered_serial_is_stored_audited_queued_and_found_by_lookup(
    shop: Database,
) -> None:
    code = _imported(shop).missing_serials[0]
    done = registration.register_serial(shop, SALES, code, " lap-new-1 ")
    assert (done.warranty_code, done.serial) == (code, "LAP-NEW-1")
    with sqlite_file(shop.path) as conn:
        assert conn.execute("SELECT serial FROM warranties WHERE code = ?", (code,)).fetchone() == (
            "LAP-NEW-1",)
        topic, payload = conn.execute(
            "SELECT topic, payload FROM outbox_events ORDER BY seq DESC LIMIT 1").fetchone()
        assert topic == "warranty.serial_registered"
        assert json.loads(payload)["serial"] == "LAP-NEW-1"
        assert conn.execute("SELECT action FROM audit_entries ORDER BY seq DESC LIMIT 1"
                            ).fetchone() == ("warranty.serial_registered",)
    found = lookup.lookup(shop, SALES, "LAP-NEW-1")
    assert [v.warranty_code for v in found.matches] == [code]
    assert registration.sale_for_capture(shop, SALES, "#1002").missing_serials == ()


def test_a_serial_already_covered_for_the_same_product_names_that_warranty(
    shop: Database,
) -> None:
    existing = sell(shop, "INV-1", serials=("LAP-DUP",)).warranty_codes[0]
    code = _imported(shop).missing_serials[0]
    with pytest.raises(BadInput) as refused:
        registration.register_serial(shop, SALES, code, "lap-dup")
    assert existing in str(refused.value)
    assert sqlite_rows(
        shop.path, "SELECT serial FROM warranties WHERE code = ?", (code,))[0] == (None,)


def test_the_same_serial_on_another_product_is_allowed(shop: Database) -> None:
    sell(shop, "INV-1", sku="PHN-200", serials=("SHARED-1",), price=49_900)
    code = _imported(shop).missing_serials[0]
    assert registration.register_serial(shop, SALES, code, "SHARED-1").serial == "SHARED-1"


def test_a_recorded_serial_is_not_overwritten_and_a_void_warranty_takes_none(
    shop: Database,
) -> None:
    code = sell(shop, "INV-1", serials=("LAP-1",)).warranty_codes[0]
    with pytest.raises(RuleBlocked, match="already has serial LAP-1"):
        registration.register_serial(shop, SALES, code, "LAP-2")
    assert registration.register_serial(shop, SALES, code, "lap-1").serial == "LAP-1"
    missing = _imported(shop).missing_serials[0]
    activation.void_warranty(shop, actor(Role.MANAGER), missing, "Order cancelled")
    with pytest.raises(RuleBlocked, match="void"):
        registration.register_serial(shop, SALES, missing, "LAP-3")


def test_an_empty_serial_and_a_technician_are_refused(shop: Database) -> None:
    code = _imported(shop).missing_serials[0]
    with pytest.raises(BadInput, match="empty"):
        registration.register_serial(shop, SALES, code, "   ")
    with pytest.raises(PermissionDenied):
        registration.register_serial(shop, actor(Role.TECHNICIAN), code, "LAP-9")


def test_the_catalogue_lists_products_by_name_with_their_serial_rule(shop: Database) -> None:
    products = registration.catalogue_for_sale(shop)
    assert [p.name for p in products] == ["Lumen 14 Laptop", "Orbit X Phone", "USB-C Cable",
                                          "Vista 55 TV"]
    cable = next(p for p in products if p.sku == "CBL-1")
    assert (cable.serial_required, cable.list_price_minor, cable.category) == (
        False, 1_500, "accessories")


def test_offers_for_a_new_line_follow_the_plans_rules(shop: Database) -> None:
    plans = registration.extension_plans_for_sale(shop)
    dear = registration.offers_for(plans, category="tvs", unit_price_minor=129_900,
                                   sold_on=TODAY, today=TODAY)
    assert [o.plan for o in dear] == ["Care+ 24"]
    assert registration.offers_for(plans, category="accessories", unit_price_minor=1_500,
                                   sold_on=TODAY, today=TODAY) == ()
