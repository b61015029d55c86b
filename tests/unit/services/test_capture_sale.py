"""Saving a captured sale: serials, extensions and declines in one transaction, or nothing."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from tests.conftest import actor, sqlite_file, stand_on
from tests.unit.imports.import_helpers import DATA, run
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.permissions import Role
from warranty_desk.services import activation, registration, sale_input
from warranty_desk.services.sale_plan import PlanCharge
from warranty_desk.storage.database import Database

SALES = actor(Role.SALES)


def _counts(db: Database) -> tuple[int, ...]:
    """Everything a capture may write: serials, layers, offers, audit entries, outbox events."""
    conn = sqlite3.connect(db.path)
    try:
        return tuple(conn.execute(query).fetchone()[0] for query in (
            "SELECT count(*) FROM warranties WHERE serial IS NOT NULL",
            "SELECT count(*) FROM warranty_layers", "SELECT count(*) FROM extension_offers",
            "SELECT count(*) FROM audit_entries", "SELECT count(*) FROM outbox_events"))
    finally:
        conn.close()


def _laptop_code(db: Database) -> str:
    run(db, DATA / "shopify_good.csv")
    capture = registration.sale_for_capture(db, SALES, "#1002")
    return capture.lines[0].units[0].warranty_code


def test_an_extension_that_became_ineligible_saves_not_even_the_serial(shop: Database) -> None:
    code = _laptop_code(shop)
    before = _counts(shop)
    # The screen was opened in time; the customer took so long that the plan ran out.
    stand_on(shop, date(2027, 1, 20))
    with pytest.raises(RuleBlocked, match="Care 12 cannot be sold"):
        registration.capture_sale(shop, SALES, "#1002", serials=[(code, "SN-CAPTURE-1")],
                                  accepts=[([code], "Care 12")])
    assert _counts(shop) == before


def test_a_serial_taken_by_another_warranty_saves_nothing(shop: Database) -> None:
    code = _laptop_code(shop)
    sell(shop, "INV-OTHER", serials=("SN-TAKEN-1",))
    before = _counts(shop)
    with pytest.raises(BadInput, match="already covered"):
        registration.capture_sale(shop, SALES, "#1002", serials=[(code, "SN-TAKEN-1")],
                                  declines=[([code], ("Care 12", "Care+ 24"))])
    assert _counts(shop) == before


def test_a_declined_plan_unknown_at_the_last_step_saves_nothing(shop: Database) -> None:
    code = _laptop_code(shop)
    before = _counts(shop)
    with pytest.raises(BadInput, match="Unknown extension plan"):
        registration.capture_sale(shop, SALES, "#1002", serials=[(code, "SN-CAPTURE-2")],
                                  declines=[([code], ("Care 12", "Gold Forever"))])
    assert _counts(shop) == before


def test_a_capture_saves_serial_plan_and_audit_at_once_and_says_what_to_charge(
    shop: Database,
) -> None:
    code = _laptop_code(shop)
    saved = registration.capture_sale(shop, SALES, "#1002", serials=[(code, "SN-CAPTURE-3")],
                                      accepts=[([code], "Care+ 24")])
    assert saved.charges == (PlanCharge("Care+ 24", 1, 9_900),)
    (line, _cables) = saved.capture.lines
    assert line.units[0].serial == "SN-CAPTURE-3" and line.units[0].extended
    assert saved.capture.missing_serials == ()
    with sqlite_file(shop.path) as conn:
        actions = [a for (a,) in conn.execute("SELECT action FROM audit_entries ORDER BY seq")]
        assert actions[-2:] == ["warranty.serial_registered", "warranty.extend"]


def test_a_unit_of_another_invoice_is_refused_before_anything_is_saved(shop: Database) -> None:
    _laptop_code(shop)
    stranger = sell(shop, "INV-STRANGER", sku="CBL-1", serials=()).warranty_codes[0]
    before = _counts(shop)
    with pytest.raises(BadInput, match="not a unit of invoice #1002"):
        registration.capture_sale(shop, SALES, "#1002", serials=[(stranger, "SN-X")])
    assert _counts(shop) == before


def test_answering_offers_needs_the_right_to_sell_extensions(shop: Database) -> None:
    code = _laptop_code(shop)
    with pytest.raises(PermissionDenied):
        registration.capture_sale(shop, actor(Role.STOREKEEPER), "#1002",
                                  serials=[(code, "SN-CAPTURE-4")])
    with pytest.raises(PermissionDenied):
        registration.capture_sale(shop, actor(Role.SUPPORT), "#1002",
                                  declines=[([code], ("Care 12",))])


def test_plans_declined_on_every_unit_are_not_offered_again(shop: Database) -> None:
    code = _laptop_code(shop)
    registration.capture_sale(shop, SALES, "#1002", declines=[([code], ("Care 12",))])
    capture = registration.sale_for_capture(shop, SALES, "#1002")
    assert [o.plan for o in capture.lines[0].extension_offers] == ["Care+ 24"]


def test_a_hand_sale_keeps_its_declined_plans_in_the_same_transaction(shop: Database) -> None:
    result = activation.record_sale(shop, SALES, sale_input.SaleInput(
        "TILL-1", date(2026, 11, 20), (
            sale_input.LineInput("LAP-100", 1, 89_900, ("SN-HAND-1",),
                                 declined_plans=("Care 12", "Care+ 24")),
            sale_input.LineInput("PHN-200", 1, 49_900, ("SN-HAND-2",), "Care 12"))))
    assert result.charges == (PlanCharge("Care 12", 1, 4_900),)
    with sqlite_file(shop.path) as conn:
        assert conn.execute("SELECT w.serial, o.accepted FROM extension_offers o JOIN warranties w "
                            "ON w.id = o.warranty_id ORDER BY w.serial, o.accepted").fetchall() == [
            ("SN-HAND-1", 0), ("SN-HAND-1", 0), ("SN-HAND-2", 1)]
    before = _counts(shop)
    with pytest.raises(BadInput, match="Unknown extension plan 'Gold'"):
        activation.record_sale(shop, SALES, sale_input.SaleInput(
            "TILL-2", date(2026, 11, 20), (sale_input.LineInput(
                "LAP-100", 1, 89_900, ("SN-HAND-3",), declined_plans=("Gold",)),)))
    assert _counts(shop) == before
