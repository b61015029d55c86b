"""Activation's bulk rows: each warranty's card in its event, layers, counters, customers."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

from tests.conftest import actor
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue as cat
from warranty_desk.services import sale_plan, warranty_cards
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

# Words JSON must escape, str.format would read as fields, and text beyond ASCII.
AWKWARD = 'Zoë\'s "{Lap}top}" \\ 14\t{0}'


def _events(db: Database, topic: str) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute("SELECT aggregate_id, payload FROM outbox_events WHERE topic = ? "
                            "ORDER BY seq", (topic,)).fetchall()
    finally:
        conn.close()


def _as_encoded(payload: str) -> str:
    # The outbox writes sorted keys, ", " and ": " separators and text as it is.
    return json.dumps(json.loads(payload), sort_keys=True, ensure_ascii=False)


def test_each_warranty_event_is_its_card_encoded_like_any_event(shop: Database) -> None:
    cat.add_products(shop, actor(Role.OWNER), [cat.ProductInput(
        sku="AWK-{1}", name=AWKWARD, brand="Lumen", category="laptops",
        policy="Electronics 12+12", list_price_minor=50_000)])
    customer = CustomerInput("Ada {x}", phone="+44 20 7946 0958", reference='R"1')
    result = record_sale(shop, actor(Role.SALES), SaleInput(
        'INV "{7}" ü', date(2026, 11, 1), (
            LineInput("AWK-{1}", 2, 50_000, ("S{1}", 'S"2'), "Care+ 24"),
            LineInput("CBL-1", 1, 1_500),
        ), customer))
    events = _events(shop, "warranty.activated")
    assert [code for code, _ in events] == list(result.warranty_codes)
    cards = [json.loads(payload) for _, payload in events]
    assert all(payload == _as_encoded(payload) for _, payload in events)
    assert [(c["serial"], c["product"], c["sku"]) for c in cards] == [
        ("S{1}", AWKWARD, "AWK-{1}"), ('S"2', AWKWARD, "AWK-{1}"),
        (None, "USB-C Cable", "CBL-1")]
    assert {c["invoice"] for c in cards} == {'INV "{7}" ü'}
    assert {c["customer"] for c in cards} == {'R"1'}
    assert [[layer["kind"] for layer in c["layers"]] for c in cards] == [
        ["manufacturer", "shop", "extension"], ["manufacturer", "shop", "extension"],
        ["manufacturer"]]
    assert cards[0]["start"] == "2026-11-01" and cards[0]["status"] == "active"


def test_an_anonymous_sale_has_no_customer_on_its_cards(shop: Database) -> None:
    record_sale(shop, actor(Role.SALES), SaleInput(
        "I-9", date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, ("SN-A",)),)))
    (_, payload), = _events(shop, "warranty.activated")
    card = json.loads(payload)
    assert card["customer"] is None
    # What the portal's extension offers read, by the same rule as the counter.
    assert (card["category"], card["price_minor"]) == ("laptops", 89_900)
    assert payload == _as_encoded(payload)


def test_a_cover_spelling_a_stand_in_is_not_made_a_template() -> None:
    spelled = warranty_cards.CardCover("2026-11-01", "2027-10-31", (
        {"kind": "\x00code\x00", "start": "2026-11-01", "end": "2027-10-31"},))
    assert warranty_cards.card_template(spelled) is None
    plain = warranty_cards.CardCover("2026-11-01", "2027-10-31", (
        {"kind": "manufacturer", "start": "2026-11-01", "end": "2027-10-31"},))
    template = warranty_cards.card_template(plain)
    assert template is not None
    words: dict[str, Any] = {"code": "C{1}", "serial": None, "product": 'P"', "sku": "S",
                             "category": "phones", "price": 4_900, "customer": None,
                             "invoice": "I}", "policy": "Standard {12}", "policy_ref": "ab"}
    filled = template.format(**{k: json.dumps(v, ensure_ascii=False) for k, v in words.items()})
    card = warranty_cards.warranty_card(
        code="C{1}", serial=None, product='P"', sku="S", category="phones", price=4_900,
        customer_ref=None, invoice_number="I}", cover=plain, policy="Standard {12}",
        policy_ref="ab")
    assert filled == json.dumps(card, sort_keys=True, ensure_ascii=False)


def test_new_customers_take_consecutive_references_and_one_event_each(shop: Database) -> None:
    people = (("Ann", "07700 000003"), ("Bob", "07700 000004"), ("Ann", "07700000003"))
    for n, (name, phone) in enumerate(people, start=1):
        record_sale(shop, actor(Role.SALES), SaleInput(
            f"I-{n}", date(2026, 11, 1), (LineInput("CBL-1", 1, 1_500),),
            CustomerInput(name, phone=phone)))
    created = _events(shop, "customer.created")
    assert [ref for ref, _ in created] == ["BR01-CU-000001", "BR01-CU-000002"]
    assert json.loads(created[1][1]) == {"reference": "BR01-CU-000002", "name": "Bob",
                                         "phone": "+447700000004", "email": "",
                                         "segment": "retail"}
    conn = sqlite3.connect(shop.path)
    try:
        last = conn.execute("SELECT last FROM number_counters WHERE kind = 'CU'").fetchone()
    finally:
        conn.close()
    assert last == (2,)


def test_plan_rows_name_their_columns() -> None:
    rows = sale_plan.Rows(("id", "serial"), [(b"1", "A"), (b"2", None)])
    assert len(rows) == 2
    assert rows.column("serial") == ["A", None]
