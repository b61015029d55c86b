"""Views for paper, built from a real ledger: slips, tickets, labels and the close report."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import TODAY, actor
from tests.unit.services.helpers import sell
from warranty_desk.errors import NotFound, PermissionDenied
from warranty_desk.permissions import Actor, Role
from warranty_desk.services import claims, printables, returns, shop_settings
from warranty_desk.services.activation import record_sale
from warranty_desk.services.close_report import NOBODY
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.services.sale_planning import plan_sales
from warranty_desk.services.sale_rows import apply_plan
from warranty_desk.services.staff import create_staff
from warranty_desk.storage.database import Database

SALES = actor(Role.SALES)


def _ticket_claim(db: Database, code: str) -> str:
    return claims.start_claim(db, SALES, claims.StartClaim(
        code, "Will not charge", accessories="Charger", condition="Scratched lid",
        promised_on=date(2026, 12, 6))).number


def test_slip_view_carries_the_unit_its_layers_and_the_portal_link(shop: Database) -> None:
    code = sell(shop, extension="Care+ 24").warranty_codes[0]
    current = shop_settings.get_shop(shop)
    shop_settings.update_shop(shop, actor(Role.OWNER), shop_settings.ShopUpdate(
        name=current.name, branch_name=current.branch_name, address=current.address,
        phone="+44 1632 960000", email=current.email, currency=current.currency,
        locale=current.locale, timezone=current.timezone,
        portal_url_template="https://portal.example/w/{code}"))
    view = printables.slip_view(shop, SALES, code.lower(), copy=False)
    assert view.portal_url == f"https://portal.example/w/{code}"
    assert "call +44 1632 960000" in view.how_to_claim
    assert view.warranty_code == code
    assert view.serial == "SN-LAP-0001"
    assert view.customer_name == "Ada Lovelace"
    assert [layer.kind for layer in view.layers] == ["manufacturer", "shop", "extension"]
    assert view.layers[-1].plan == "Care+ 24"
    assert view.exclusions == ("Accidental damage", "Liquid damage")
    assert view.status == "active"
    assert view.how_to_claim.startswith("Bring the unit and this slip")


def test_slip_view_for_an_unknown_code_says_what_to_scan(shop: Database) -> None:
    with pytest.raises(NotFound, match="Scan the slip's barcode"):
        printables.slip_view(shop, SALES, "BR01-W-2026-999999", copy=False)


def test_ticket_view_keeps_what_was_handed_in(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    number = _ticket_claim(shop, code)
    view = printables.ticket_view(shop, SALES, number, copy=True)
    assert (view.claim_number, view.warranty_code, view.serial) == (number, code, "SN-LAP-0001")
    assert (view.accessories, view.condition, view.fault) == ("Charger", "Scratched lid",
                                                              "Will not charge")
    assert view.promised_on == date(2026, 12, 6)
    assert view.customer_phone == "+442079460958"
    assert view.copy is True
    assert view.brand == "Lumen"


def test_label_view_dates_the_unit_by_its_receipt_into_returns_stock(shop: Database) -> None:
    number = _ticket_claim(shop, sell(shop).warranty_codes[0])
    returns.receive(shop, actor(Role.STOREKEEPER), number)
    view = printables.label_view(shop, actor(Role.STOREKEEPER), number)
    assert view.claim_number == number
    assert view.supplier == "Lumen"  # no supplier on the product: the brand stands in
    assert view.received_on == TODAY
    assert view.branch_code == "BR01"


def test_close_report_counts_each_person_and_lists_registration_gaps(shop: Database) -> None:
    day = TODAY
    owner = actor(Role.OWNER)
    sam = create_staff(shop, owner, "Sam Sales", Role.SALES, "1111")
    sam_actor = Actor(staff_id=sam.id, name=sam.name, role=Role.SALES)
    record_sale(shop, sam_actor, SaleInput("INV-1", day, (
        LineInput("LAP-100", 1, 89_900, ("SN-A",), "Care+ 24"),
        LineInput("CBL-1", 1, 1_500, ()),)))
    with shop.write() as session:  # a web-shop export: no serial, so a registration gap
        plan = plan_sales(session, [SaleInput("WEB-2", day, (
            LineInput("PHN-200", 1, 49_900, ()),))], today=day, skip_recorded=False,
            require_serials=False)
        apply_plan(session, plan)
    sell(shop, "INV-OLD", serials=("SN-OLD",), sold_on=date(2026, 11, 1))
    _ticket_claim(shop, sell(shop, "INV-3", serials=("SN-B",), sold_on=day).warranty_codes[0])

    view = printables.close_report_view(shop, SALES, day)
    by_name = {row.staff_name: row for row in view.rows}
    assert by_name["Sam Sales"].extensions_sold == 1
    assert by_name["Sam Sales"].extension_revenue_minor == 9_900
    assert by_name[NOBODY].claims_opened == 1
    assert by_name["Sam Sales"].activations == 2
    assert by_name[NOBODY].activations == 2  # INV-3 and WEB-2; INV-OLD was another day
    assert view.totals.activations == 4
    assert [g.invoice_number for g in view.gaps] == ["WEB-2"]  # the cable needs no serial
    assert view.gaps[0].product_name == "Orbit X Phone"
    assert by_name[NOBODY].registration_gaps == view.totals.registration_gaps == 1
    assert view.day == day


def test_close_report_of_an_empty_day_has_no_rows(shop: Database) -> None:
    view = printables.close_report_view(shop, SALES, date(2026, 1, 1))
    assert view.rows == () and view.gaps == () and view.totals.activations == 0


def test_every_role_of_the_shop_may_print_a_slip_and_a_supplier_contact_may_not(
    shop: Database,
) -> None:
    code = sell(shop).warranty_codes[0]
    for role in set(Role) - {Role.SUPPLIER}:
        assert printables.slip_view(shop, actor(role), code, copy=False).warranty_code == code
    with pytest.raises(PermissionDenied, match="Supplier contact"):
        printables.slip_view(shop, actor(Role.SUPPLIER), code, copy=False)
