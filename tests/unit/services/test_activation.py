"""Sale activation: one warranty per unit, serial rules, extensions, voiding."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import actor, sqlite_file, sqlite_rows, stand_on
from tests.unit.services.helpers import ADA, sell
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.permissions import Role
from warranty_desk.services import activation
from warranty_desk.services.activation import record_sale
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database


def _count(db: Database, table: str) -> int:
    return int(sqlite_rows(db.path, f"SELECT count(*) FROM {table}")[0][0])


def test_a_line_of_three_gives_three_warranties_with_their_serials(shop: Database) -> None:
    result = sell(shop, serials=("S-1", "S-2", "S-3"))
    assert len(result.warranty_codes) == 3
    rows = sqlite_rows(
        shop.path, "SELECT serial, start_on, end_on FROM warranties ORDER BY code")
    assert rows == [("S-1", "2026-11-01", "2028-10-31"), ("S-2", "2026-11-01", "2028-10-31"),
                    ("S-3", "2026-11-01", "2028-10-31")]


def test_a_serial_required_line_of_three_with_two_serials_is_refused(shop: Database) -> None:
    with pytest.raises(BadInput) as refused:
        record_sale(shop, actor(Role.SALES), SaleInput("I-1", date(2026, 11, 1), (
            LineInput("LAP-100", 3, 89_900, ("S-1", "S-2")),)))
    assert "3 sold, 2 serial(s)" in str(refused.value)
    assert _count(shop, "sales") == 0 and _count(shop, "warranties") == 0


def test_the_same_serial_twice_on_a_line_is_refused(shop: Database) -> None:
    with pytest.raises(BadInput, match="twice"):
        sell(shop, serials=("S-1", "s-1"))


def test_a_serial_already_covered_names_the_existing_warranty(shop: Database) -> None:
    first = sell(shop, "I-1", serials=("S-9",)).warranty_codes[0]
    with pytest.raises(BadInput) as refused:
        sell(shop, "I-2", serials=("S-9",))
    assert first in str(refused.value)
    assert _count(shop, "sales") == 1


def test_a_void_warranty_frees_its_serial_for_a_new_sale(shop: Database) -> None:
    first = sell(shop, "I-1", serials=("S-9",)).warranty_codes[0]
    activation.void_warranty(shop, actor(Role.MANAGER), first, "Returned unopened")
    assert len(sell(shop, "I-2", serials=("S-9",)).warranty_codes) == 1


def test_an_accessory_needs_no_serial(shop: Database) -> None:
    assert len(sell(shop, sku="CBL-1", serials=(), price=1_500).warranty_codes) == 1


def test_an_extension_sold_at_sale_adds_a_layer_after_the_shop_warranty(shop: Database) -> None:
    sell(shop, extension="Care+ 24")
    layers = sqlite_rows(
        shop.path, "SELECT kind, start_on, end_on FROM warranty_layers ORDER BY start_on")
    assert layers == [("manufacturer", "2026-11-01", "2027-10-31"),
                      ("shop", "2027-11-01", "2028-10-31"),
                      ("extension", "2028-11-01", "2030-10-31")]


def test_an_extension_for_a_cheap_item_is_refused_with_the_reason(shop: Database) -> None:
    with pytest.raises(BadInput, match="priced from"):
        sell(shop, price=10_000, extension="Care+ 24")


def test_an_extension_can_be_sold_later_while_eligible_and_not_twice(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    end = activation.sell_extension(shop, actor(Role.SALES), code, "Care 12")
    assert end == "2029-10-31"
    with pytest.raises(RuleBlocked, match="already"):
        activation.sell_extension(shop, actor(Role.SALES), code, "Care+ 24")


def test_an_extension_after_the_offer_window_is_refused(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    with pytest.raises(RuleBlocked, match="offer ended"):
        stand_on(shop, date(2027, 1, 15))
        activation.sell_extension(shop, actor(Role.SALES), code, "Care+ 24")


def test_a_declined_offer_is_recorded(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    activation.decline_extension(shop, actor(Role.SALES), code, "Care+ 24")
    assert sqlite_rows(
        shop.path, "SELECT accepted FROM extension_offers") == [(0,)]


def test_voiding_needs_a_reason(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    with pytest.raises(BadInput):
        activation.void_warranty(shop, actor(Role.MANAGER), code, " ")


def test_an_activation_writes_its_audit_entry_and_outbox_events(shop: Database) -> None:
    sell(shop, serials=("S-1", "S-2"))
    with sqlite_file(shop.path) as conn:
        topics = [r[0] for r in conn.execute("SELECT topic FROM outbox_events")]
        assert topics.count("warranty.activated") == 2 and topics.count("customer.created") == 1
        assert conn.execute("SELECT count(*) FROM audit_entries WHERE action='sale.activate'"
                            ).fetchone()[0] == 1


def test_the_same_customer_by_phone_is_not_created_twice(shop: Database) -> None:
    sell(shop, "I-1", serials=("S-1",))
    sell(shop, "I-2", serials=("S-2",))
    assert _count(shop, "customers") == 1


def test_a_sale_dated_in_the_future_is_refused(shop: Database) -> None:
    with pytest.raises(BadInput, match="future"):
        sell(shop, sold_on=date(2026, 12, 25))


def test_an_invoice_recorded_twice_is_refused(shop: Database) -> None:
    sell(shop, "I-1", serials=("S-1",))
    with pytest.raises(BadInput, match="already recorded"):
        sell(shop, "I-1", serials=("S-2",))


ACTIVATE = {Role.SALES, Role.MANAGER, Role.OWNER}
VOID = {Role.MANAGER, Role.OWNER}


@pytest.mark.parametrize("role", list(Role))
def test_activation_and_voiding_by_role(shop: Database, role: Role) -> None:
    sale = SaleInput(f"R-{role.value}", date(2026, 11, 1),
                     (LineInput("LAP-100", 1, 89_900, (f"SN-{role.value}",)),), ADA)
    if role in ACTIVATE:
        code = record_sale(shop, actor(role), sale).warranty_codes[0]
    else:
        with pytest.raises(PermissionDenied):
            record_sale(shop, actor(role), sale)
        code = sell(shop, "X-1", serials=("X-SN",)).warranty_codes[0]
    if role in VOID:
        activation.void_warranty(shop, actor(role), code, "Test voiding")
    else:
        with pytest.raises(PermissionDenied):
            activation.void_warranty(shop, actor(role), code, "Test voiding")
