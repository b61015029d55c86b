"""Lookup from every kind of code or text to a verdict, on a real database."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import TODAY, actor, stand_on
from tests.unit.services.helpers import sell
from warranty_desk.permissions import Role
from warranty_desk.services import activation, claims
from warranty_desk.services.lookup import lookup
from warranty_desk.storage.database import Database

SALES = actor(Role.SALES)


@pytest.fixture
def sold(shop: Database) -> tuple[Database, str]:
    code = sell(shop, "INV-1001", serials=("SN-LAP-0001",)).warranty_codes[0]
    return shop, code


def test_a_serial_gives_the_in_cover_verdict_with_layer_and_days_left(
    sold: tuple[Database, str]
) -> None:
    db, code = sold
    result = lookup(db, SALES, "sn-lap-0001")
    assert result.outcome == "found"
    v = result.matches[0]
    assert (v.verdict, v.layer, v.warranty_code) == ("in_cover", "manufacturer", code)
    # Manufacturer then shop cover run on without a gap: days left count to the end of both.
    assert v.days_left == (date(2028, 10, 31) - TODAY).days + 1
    assert v.headline == "IN COVER" and "Manufacturer warranty" in v.detail
    assert v.exclusions == ("Accidental damage", "Liquid damage")
    assert v.customer_name == "Ada Lovelace"


@pytest.mark.parametrize("query", ["BR01-W-2026-000001", "br01-w-2026-000001", "INV-1001",
                                   "+44 20 7946 0958", "Ada Lovelace", "lovelace"])
def test_every_way_of_asking_finds_the_same_unit(sold: tuple[Database, str], query: str) -> None:
    db, code = sold
    result = lookup(db, SALES, query)
    assert [m.warranty_code for m in result.matches] == [code]


def test_a_gs1_barcode_with_gtin_and_serial_finds_the_unit(sold: tuple[Database, str]) -> None:
    db, code = sold
    result = lookup(db, SALES, "(01)09506000134352(21)SN-LAP-0001")
    assert [m.warranty_code for m in result.matches] == [code]


def test_a_product_barcode_alone_asks_for_the_serial_label(sold: tuple[Database, str]) -> None:
    db, _ = sold
    result = lookup(db, SALES, "9506000134352")
    assert result.outcome == "not_found"
    assert "Lumen 14 Laptop" in result.message and "serial" in result.message


def test_a_claim_number_finds_its_unit_and_lists_the_claim(sold: tuple[Database, str]) -> None:
    db, code = sold
    number = claims.start_claim(db, SALES, claims.StartClaim(code, "No picture")).number
    v = lookup(db, SALES, number).matches[0]
    assert v.open_claim == number
    assert [c.number for c in v.claims] == [number]


def test_an_invoice_with_three_units_gives_several_matches(shop: Database) -> None:
    sell(shop, "INV-3", serials=("A-0001", "A-0002", "A-0003"))
    result = lookup(shop, SALES, "INV-3")
    assert result.outcome == "several" and len(result.matches) == 3
    assert "3 units" in result.message


def test_after_the_last_layer_the_unit_is_expired_since_the_next_day(shop: Database) -> None:
    stand_on(shop, date(2024, 1, 10))
    sell(shop, "OLD-1", serials=("OLD-SN-1",), sold_on=date(2024, 1, 10))
    stand_on(shop, TODAY)
    v = lookup(shop, SALES, "OLD-SN-1").matches[0]
    assert v.verdict == "expired"
    assert v.expired_since == date(2026, 1, 10)
    assert v.headline == "EXPIRED"


def test_a_void_warranty_says_void_with_its_reason(sold: tuple[Database, str]) -> None:
    db, code = sold
    activation.void_warranty(db, actor(Role.MANAGER), code, "Sale returned for a credit note")
    v = lookup(db, SALES, "SN-LAP-0001").matches[0]
    assert v.verdict == "void" and v.void_reason == "Sale returned for a credit note"
    assert v.extension_offers == ()


def test_an_eligible_unit_shows_its_extension_offers(sold: tuple[Database, str]) -> None:
    db, _ = sold
    offers = lookup(db, SALES, "SN-LAP-0001").matches[0].extension_offers
    assert {o.plan for o in offers} == {"Care+ 24", "Care 12"}


def test_an_unknown_serial_says_what_to_try_next(shop: Database) -> None:
    result = lookup(shop, SALES, "NOPE-12345")
    assert result.outcome == "not_found" and result.matches == ()
    assert "invoice number" in result.message


def test_an_empty_scan_explains_what_to_scan(shop: Database) -> None:
    assert "Scan a serial" in lookup(shop, SALES, "   ").message


def test_a_scanned_claim_ticket_names_its_claim_with_customer_and_product(
        sold: tuple[Database, str]) -> None:
    db, code = sold
    number = claims.start_claim(db, SALES, claims.StartClaim(code, "No picture")).number
    result = lookup(db, SALES, number.lower())
    assert [(c.number, c.state, c.product, c.customer_name) for c in result.claims] == [
        (number, "received", "Lumen 14 Laptop", "Ada Lovelace")]


@pytest.mark.parametrize("typed", ["C-2026-000001", "c 2026 1", "C-1", "000001", "1"])
def test_the_end_of_a_claim_number_finds_the_claim(sold: tuple[Database, str],
                                                   typed: str) -> None:
    db, code = sold
    number = claims.start_claim(db, SALES, claims.StartClaim(code, "No picture")).number
    assert number == "BR01-C-2026-000001"
    result = lookup(db, SALES, typed)
    assert [c.number for c in result.claims] == [number]
    assert number in result.message


def test_a_claim_on_a_sale_the_shop_does_not_know_is_found_by_its_number(shop: Database) -> None:
    from warranty_desk.services.customers import CustomerInput

    number = claims.start_unknown_sale_claim(shop, SALES, claims.StartUnknownSaleClaim(
        customer=CustomerInput("Grace Hopper", phone="555-0100-22"),
        product_description="Lumen 14 Laptop", serial="sn-x-1", purchased_on=date(2026, 5, 1),
        purchased_where="Online marketplace", fault="No power", proof_sha256="ab" * 32,
        proof_media_type="application/pdf", proof_size=2048)).number
    result = lookup(shop, SALES, number)
    assert result.matches == ()
    assert [c.number for c in result.claims] == [number]
    assert result.message == f"Claim {number}."


def test_a_serial_that_starts_like_an_invoice_number_is_still_found(shop: Database) -> None:
    # Some makers print serials such as "INV-A-0001" (an inverter's): tried as an invoice first,
    # then as the serial it also is, rather than "nothing found".
    code = sell(shop, "S-77", serials=("INV-A-0001",)).warranty_codes[0]
    result = lookup(shop, SALES, "inv-a-0001")
    assert [m.warranty_code for m in result.matches] == [code]
    assert result.scan_kind == "serial"


def test_an_invoice_number_still_wins_over_a_serial_of_the_same_text(shop: Database) -> None:
    by_invoice = sell(shop, "INV-2002", serials=("SN-X-0001",)).warranty_codes[0]
    sell(shop, "S-88", serials=("INV-2002",))
    result = lookup(shop, SALES, "INV-2002")
    assert [m.warranty_code for m in result.matches] == [by_invoice]
