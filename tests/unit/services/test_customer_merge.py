"""Duplicate customers: found by phone key or email, merged with their history, on record."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from sync.crm.mapping import to_crm
from sync.outbox_reader import read_after
from tests.conftest import actor
from tests.unit.services.helpers import rows
from warranty_desk.errors import BadInput, NotFound, PermissionDenied
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import claims, customer_merge, decisions, retention
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customer_view import customer_profile, find_customers
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.exception_notes import NoteInput, add_note
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

SALES, SUPPORT, MANAGER = actor(Role.SALES), actor(Role.SUPPORT), actor(Role.MANAGER)


def _sell(db: Database, invoice: str, serial: str, who: CustomerInput) -> str:
    return record_sale(db, SALES, SaleInput(invoice, date(2026, 11, 1), (
        LineInput("LAP-100", 1, 89_900, (serial,)),), who)).warranty_codes[0]


def _two_adas(db: Database) -> tuple[str, str]:
    """The same person twice, each with a sale and a claim: the second was recorded with
    another number, which an upgrade then read as the same one (as 0009 leaves them), and an
    email in capitals."""
    first = _sell(db, "INV-1", "SN-1", CustomerInput("Ada Lovelace", phone="020 7946 0958"))
    second = _sell(db, "INV-2", "SN-2", CustomerInput("A. Lovelace", phone="+44 20 7946 0999",
                                                       email="ADA@example.org"))
    for code in (first, second):
        claims.start_claim(db, SALES, claims.StartClaim(code, "Screen flickers"))
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute("UPDATE customers SET phone = '+442079460958'")
    conn.close()
    refs = [str(r) for (r,) in rows(db, "SELECT reference FROM customers ORDER BY reference")]
    return refs[0], refs[1]


def test_the_same_phone_key_finds_the_pair_with_what_each_holds(shop: Database) -> None:
    keep, drop = _two_adas(shop)
    _sell(shop, "INV-3", "SN-3", CustomerInput("Grace Hopper", phone="+44 7700 900123"))
    [pair] = customer_merge.duplicates(shop, SUPPORT)
    assert (pair.first.reference, pair.second.reference, pair.shared) == (
        keep, drop, "the same phone")
    assert (pair.first.warranties, pair.first.claims, pair.first.sales) == (1, 1, 1)
    assert customer_merge.duplicates(shop, SUPPORT, drop) == (pair,)


def test_a_merge_moves_everything_to_the_kept_record_audits_it_and_tells_the_crm(
    shop: Database,
) -> None:
    keep, drop = _two_adas(shop)
    add_note(shop, SUPPORT, NoteInput("customer", drop, "customer_unreachable", "No answer"))
    number = str(rows(shop, "SELECT c.number FROM claims c JOIN customers u ON u.id = "
                            "c.customer_id WHERE u.reference = ?", drop)[0][0])
    decisions.decide(shop, MANAGER, number, decisions.Decision(Outcome.REJECT, "Liquid"))
    assert retention.raise_due(shop, SUPPORT) >= 1
    card = customer_merge.merge(shop, SUPPORT, keep, drop)
    assert (card.reference, card.warranties, card.claims, card.sales) == (keep, 2, 2, 2)
    assert card.email == "ada@example.org"  # the kept record had none: the duplicate's fills it
    assert card.name == "Ada Lovelace"  # what the kept record has, it keeps
    assert rows(shop, "SELECT count(*) FROM customers") == [(1,)]
    profile = customer_profile(shop, SUPPORT, keep)
    assert len(profile.purchases) == 2 and len(profile.claims) == 2
    assert [n.text for n in profile.notes] == ["No answer"]
    assert profile.messages and all(m.claim_number for m in profile.messages)
    assert [c.customer_reference for c in retention.follow_ups(shop, SUPPORT)] == [keep]
    # One person with two claims now: that rule fires; the moved rejection is not raised again.
    assert retention.raise_due(shop, SUPPORT) == 1
    assert sorted(c.rule for c in retention.follow_ups(shop, SUPPORT)) == ["rejected",
                                                                          "repeat_claims"]
    assert find_customers(shop, SALES, "Lovelace")[0].reference == keep
    assert [b.reference for b in find_customers(shop, SALES, "A.")] in ([], [keep])
    [(details,)] = rows(shop, "SELECT details FROM audit_entries WHERE action = "
                              "'customer.merge'")
    found = json.loads(str(details))
    assert found["dropped"]["reference"] == drop
    assert found["moved"] == {"warranties": 1, "claims": 1, "messages": 2, "sales": 1,
                              "complaints": 0, "follow_ups": found["moved"]["follow_ups"],
                              "notes": 1}
    notes = {}
    for event in read_after(shop, 0, 10_000):
        if event.topic == "customer.updated" and ("merged_from" in event.payload
                                                  or "merged_into" in event.payload):
            record = to_crm(event)
            assert record is not None
            notes[record.customer.reference] = record.note
    assert notes[drop] == (f"Duplicate record, merged into customer {keep}: use that one from "
                           "now on.")
    assert notes[keep].startswith(f"Customer {drop} was a duplicate of this one")


def test_a_merge_that_makes_no_sense_or_is_not_allowed_changes_nothing(shop: Database) -> None:
    keep, drop = _two_adas(shop)
    _sell(shop, "INV-3", "SN-3", CustomerInput("Grace Hopper", phone="+44 7700 900123"))
    grace = str(rows(shop, "SELECT reference FROM customers WHERE name = 'Grace Hopper'")[0][0])
    before = rows(shop, "SELECT count(*) FROM audit_entries")
    with pytest.raises(BadInput, match="share no phone or email"):
        customer_merge.merge(shop, SUPPORT, keep, grace)
    with pytest.raises(BadInput, match="one customer already"):
        customer_merge.merge(shop, SUPPORT, keep, keep.lower())
    with pytest.raises(NotFound, match="No customer BR01-CU-999999"):
        customer_merge.merge(shop, SUPPORT, keep, "BR01-CU-999999")
    with pytest.raises(PermissionDenied):
        customer_merge.merge(shop, SALES, keep, drop)
    assert rows(shop, "SELECT count(*) FROM audit_entries") == before
    assert rows(shop, "SELECT count(*) FROM customers") == [(3,)]
