"""Phones keyed as E.164 in the shop's country: every way a person writes a number finds them."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import actor, sqlite_rows
from warranty_desk.errors import BadInput
from warranty_desk.permissions import Role
from warranty_desk.services import claims, customer_view
from warranty_desk.services.activation import record_sale
from warranty_desk.services.board import BoardFilters, board
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.lookup import lookup
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

SALES, MANAGER = actor(Role.SALES), actor(Role.MANAGER)
TYPED = ("07700 900596", "+44 7700 900596", "0044 7700 900596", "07700-900-596",
         "(07700) 900596")


def _sell(db: Database, phone: str, *, invoice: str = "INV-1", serial: str = "SN-LAP-0001",
          name: str = "Grace Okafor", email: str = "") -> str:
    result = record_sale(db, SALES, SaleInput(
        invoice, date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, (serial,)),),
        CustomerInput(name, phone=phone, email=email)))
    return result.warranty_codes[0]


def _stored_phones(db: Database) -> list[str]:
    return [r[0] for r in sqlite_rows(
        db.path, "SELECT phone FROM customers ORDER BY reference")]


@pytest.mark.parametrize("sold_with", ["07700 900596", "+44 7700 900596"])
def test_a_national_number_finds_the_customer_in_a_british_shop(
        shop: Database, sold_with: str) -> None:
    code = _sell(shop, sold_with)
    assert _stored_phones(shop) == ["+447700900596"]
    for typed in TYPED:
        found = lookup(shop, SALES, typed)
        assert [m.warranty_code for m in found.matches] == [code], typed


def test_one_number_written_two_ways_is_one_customer(shop: Database) -> None:
    _sell(shop, "07700 900596")
    _sell(shop, "+44 7700 900596", invoice="INV-2", serial="SN-LAP-0002")
    assert _stored_phones(shop) == ["+447700900596"]
    assert len(lookup(shop, SALES, "0044 7700 900596").matches) == 2


def test_customer_search_and_the_claims_board_find_a_national_number(shop: Database) -> None:
    code = _sell(shop, "+44 7700 900596")
    number = claims.start_claim(shop, SALES, claims.StartClaim(code, "Will not charge")).number
    assert [c.name for c in customer_view.find_customers(shop, SALES, "07700 900596")] == [
        "Grace Okafor"]
    assert [c.name for c in customer_view.find_customers(shop, SALES, "900596")] == [
        "Grace Okafor"]
    for typed in TYPED:
        rows = board(shop, MANAGER, BoardFilters(search=typed)).rows
        assert [r.number for r in rows] == [number], typed


def test_a_number_that_is_no_phone_is_refused_at_the_counter_in_plain_words(
        shop: Database) -> None:
    with pytest.raises(BadInput) as refused:
        _sell(shop, "12")
    assert "'12' is not a phone number: it has too few digits" in str(refused.value)
    assert "+44" in str(refused.value)  # how to write it, with the country code
    assert _stored_phones(shop) == []


def test_a_bad_email_is_refused_at_the_counter(shop: Database) -> None:
    with pytest.raises(BadInput) as refused:
        _sell(shop, "07700 900596", email="grace.example.org")
    assert "'grace.example.org' is not an email address" in str(refused.value)
    assert _stored_phones(shop) == []


def _unknown_sale(customer: CustomerInput, proof: str) -> claims.StartUnknownSaleClaim:
    return claims.StartUnknownSaleClaim(
        customer=customer, product_description="Kettle", serial="", purchased_on=date(2026, 10, 1),
        purchased_where="Another branch", fault="Leaks", proof_sha256=proof * 32,
        proof_media_type="image/jpeg", proof_size=100)


def test_a_claim_for_an_unknown_sale_keys_the_customer_the_same_way(shop: Database) -> None:
    _sell(shop, "+44 7700 900596")
    claims.start_unknown_sale_claim(shop, SALES, _unknown_sale(
        CustomerInput("Grace Okafor", phone="07700 900596"), "ab"))
    assert _stored_phones(shop) == ["+447700900596"]
    with pytest.raises(BadInput) as refused:
        claims.start_unknown_sale_claim(shop, SALES, _unknown_sale(
            CustomerInput("Ada Lovelace", phone="12"), "cd"))
    assert "'12' is not a phone number" in str(refused.value)
