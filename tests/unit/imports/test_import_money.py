"""Money in imports: the price paid is the net price, refunds void, unpaid orders are no sale."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import actor
from tests.unit.imports.import_helpers import DATA, counts, rejected, run, where, write_native
from warranty_desk.errors import RuleBlocked
from warranty_desk.models import InvoiceLine, Product, Sale, Warranty, WarrantyStatus
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import claims, decisions
from warranty_desk.services.imports import shopify
from warranty_desk.storage.database import Database

SQUARE_HEADER = (DATA / "square_good.csv").read_text().splitlines()[0]
SHOPIFY_HEADER = (DATA / "shopify_good.csv").read_text().splitlines()[0]
SALES, OWNER = actor(Role.SALES), actor(Role.OWNER)


def _prices(db: Database, invoice: str) -> list[tuple[str, int, int]]:
    """(sku, quantity, unit price) of each line of one invoice, in line order."""
    with db.read() as session:
        return [tuple(r) for r in session.execute(  # type: ignore[misc]
            select(Product.sku, InvoiceLine.quantity, InvoiceLine.unit_price_minor)
            .join(Sale).join(Product, InvoiceLine.product_id == Product.id)
            .where(Sale.invoice_number == invoice).order_by(InvoiceLine.line_no))]


def _statuses(db: Database, invoice: str) -> list[tuple[str, str | None]]:
    """(status, void reason) of each warranty of one invoice, by code."""
    with db.read() as session:
        return [(w.status.value, w.void_reason) for w in session.scalars(
            select(Warranty).join(InvoiceLine).join(Sale)
            .where(Sale.invoice_number == invoice).order_by(Warranty.code))]


def test_a_square_laptop_sold_at_1399_after_a_discount_is_stored_at_1399(shop: Database) -> None:
    run(shop, DATA / "square_discounts_refunds.csv")
    assert _prices(shop, "Lp7aQ2wE9rT4yU1iO3pA")[0] == ("LAP-100", 1, 139_900)


def test_a_refund_on_a_discounted_square_laptop_may_not_exceed_the_1399_paid(
        shop: Database) -> None:
    run(shop, DATA / "square_discounts_refunds.csv")
    with shop.read() as session:
        code = session.scalars(select(Warranty.code).join(InvoiceLine).join(Sale).join(
            Product, InvoiceLine.product_id == Product.id).where(
            Sale.invoice_number == "Lp7aQ2wE9rT4yU1iO3pA", Product.sku == "LAP-100")).one()
    number = claims.start_claim(shop, SALES, claims.StartClaim(code, "Will not start")).number
    claims.advance(shop, OWNER, number, ClaimState.REVIEWING)
    for n, kind in enumerate(("proof_of_purchase", "photo_of_fault")):
        claims.attach_evidence(shop, SALES, number, kind=kind, sha256=f"{n:064x}",
                               media_type="image/jpeg", size=100, original_name=f"{kind}.jpg")
    claims.advance(shop, OWNER, number, ClaimState.INSPECTING)
    with pytest.raises(RuleBlocked) as refused:
        decisions.decide(shop, OWNER, number, decisions.Decision(
            Outcome.REFUND, "Refund", refund_minor=149_900, refund_reference="R1"))
    assert str(refused.value) == ("The refund €1,499.00 is more than the customer paid "
                                  "(€1,399.00).")


def test_a_square_discount_that_does_not_divide_keeps_the_line_total_to_the_cent(
        shop: Database) -> None:
    run(shop, DATA / "square_discounts_refunds.csv")
    # 45.00 less 5.00 for three cables: 40.00 is one at 13.34 and two at 13.33.
    assert _prices(shop, "Lp7aQ2wE9rT4yU1iO3pA")[1:] == [("CBL-1", 1, 1_334),
                                                         ("CBL-1", 2, 1_333)]


def test_a_square_refund_row_in_the_same_file_voids_the_refunded_unit(shop: Database) -> None:
    report = run(shop, DATA / "square_discounts_refunds.csv")
    phones = _statuses(shop, "Ph4sD8fG2hJ6kL0zX5cV")
    assert sorted(s for s, _ in phones) == ["active", "void"]
    reason = next(r for s, r in phones if s == "void")
    assert reason is not None and "Refunded in Square on 2026-11-15" in reason
    assert len(report.voided) == 1 and report.left_out == ()
    with shop.read() as session:
        voided = session.scalars(select(Warranty.code).where(
            Warranty.status == WarrantyStatus.VOID)).all()
    assert list(voided) == list(report.voided)


def _square(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([SQUARE_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


_PHONE_SALE = ("2026-11-12,16:20:05,Eastern Time (US & Canada),Phones,Orbit X Phone,2,Regular,"
               "PHN-200,,$998.00,$0.00,$998.00,$0.00,Tx9,Tx9PAY,Front Counter,,,Payment,"
               "Main Street Store,,,Jon Park,CUST-502,,2,Physical Item,,Point of Sale,,Visa,4242")
_PHONE_REFUND = ("2026-11-15,10:05:51,Eastern Time (US & Canada),Phones,Orbit X Phone,-1,"
                 "Regular,PHN-200,,-$499.00,$0.00,-$499.00,$0.00,Tx9,Tx9REF,Front Counter,,,"
                 "Refund,Main Street Store,,,Jon Park,CUST-502,,-1,Physical Item,,Point of "
                 "Sale,,Visa,4242")


def test_a_square_refund_in_a_later_export_voids_once_however_often_it_is_exported(
        shop: Database, tmp_path: Path) -> None:
    run(shop, _square(tmp_path, "week1.csv", [_PHONE_SALE]))
    assert [s for s, _ in _statuses(shop, "Tx9")] == ["active", "active"]
    later = run(shop, _square(tmp_path, "week2.csv", [_PHONE_REFUND]))
    assert len(later.voided) == 1
    # This month's export holds the sale and the refund again: nothing more is voided.
    again = run(shop, _square(tmp_path, "month.csv", [_PHONE_SALE, _PHONE_REFUND]))
    assert again.voided == () and again.skipped_invoices == ("Tx9",)
    assert sorted(s for s, _ in _statuses(shop, "Tx9")) == ["active", "void"]


def test_a_square_refund_of_money_with_no_item_returned_voids_nothing(
        shop: Database, tmp_path: Path) -> None:
    adjusted = _PHONE_REFUND.replace(",-1,Regular,", ",0,Regular,").replace("-$499.00", "-$50.00")
    report = run(shop, _square(tmp_path, "adjust.csv", [_PHONE_SALE, adjusted]))
    assert report.voided == () and report.sales == 1
    assert report.left_out == ("row 3: money paid back in Tx9 with no item returned, so no "
                               "warranty is voided",)


def test_a_dry_run_shows_the_refund_but_voids_nothing(shop: Database, tmp_path: Path) -> None:
    run(shop, _square(tmp_path, "week1.csv", [_PHONE_SALE]))
    report = run(shop, _square(tmp_path, "week2.csv", [_PHONE_REFUND]), dry_run=True)
    assert len(report.voided) == 1
    assert [s for s, _ in _statuses(shop, "Tx9")] == ["active", "active"]


def test_a_square_refund_of_a_sale_warranty_desk_never_had_voids_nothing_and_says_so(
        shop: Database, tmp_path: Path) -> None:
    report = run(shop, _square(tmp_path, "refund.csv", [_PHONE_REFUND]))
    assert report.voided == () and report.sales == 0
    assert report.refunds == ("row 2: refund of 1 × PHN-200 in Tx9 voided nothing (Warranty "
                              "Desk holds no such sale).",)
    assert counts(shop)["warranties"] == 0


def test_shopify_orders_pending_authorised_or_partly_paid_are_no_sale(shop: Database) -> None:
    report = run(shop, DATA / "shopify_statuses.csv")
    with shop.read() as session:
        orders = set(session.scalars(select(Sale.invoice_number)))
    assert orders == {"#3001", "#3002"}
    assert report.left_out == (
        "#3003 (pending: not paid, so not a sale)",
        "#3004 (authorized: not paid, so not a sale)",
        "#3005 (partially paid: not paid, so not a sale)")
    assert (report.sales, report.warranties) == (2, 6)


def test_a_partly_refunded_shopify_order_is_a_sale_with_the_refunded_unit_voided(
        shop: Database) -> None:
    report = run(shop, DATA / "shopify_statuses.csv")
    # #3002 sold two phones at 499.00 and paid 499.00 back: one phone came back.
    assert sorted(s for s, _ in _statuses(shop, "#3002")) == ["active", "void"]
    assert len(report.voided) == 1
    assert report.refunds == (f"row 4: refund of part of the sale in #3002 voided "
                              f"{report.voided[0]} (€499.00 went back, the price of just these "
                              "items).",)


def test_a_shopify_line_is_stored_at_its_price_less_its_line_discount(shop: Database) -> None:
    run(shop, DATA / "shopify_statuses.csv")
    assert _prices(shop, "#3001") == [("LAP-100", 1, 139_900), ("CBL-1", 1, 1_334),
                                      ("CBL-1", 2, 1_333)]


def _shopify(tmp_path: Path, name: str, status: str, refunded: str = "0.00") -> Path:
    """A one-order Shopify export of #4001 (two phones) with the given financial status."""
    columns = SHOPIFY_HEADER.split(",")
    row = dict.fromkeys(columns, "")
    row.update({"Name": "#4001", "Email": "pia@example.com", "Financial Status": status,
                "Created at": "2026-11-12 10:00:00 +0100", "Lineitem quantity": "2",
                "Lineitem price": "499.00", "Lineitem sku": "PHN-200", "Billing Name": "Pia Lenz",
                "Refunded Amount": refunded, "Lineitem discount": "0.00"})
    path = tmp_path / name
    path.write_text(SHOPIFY_HEADER + "\n" + ",".join(row[c] for c in columns) + "\n")
    return path


def test_a_shopify_order_refunded_after_its_import_has_its_warranties_voided(
        shop: Database, tmp_path: Path) -> None:
    run(shop, _shopify(tmp_path, "monday.csv", "paid"))
    later = run(shop, _shopify(tmp_path, "friday.csv", "refunded"))
    assert len(later.voided) == 2
    assert [s for s, _ in _statuses(shop, "#4001")] == ["void", "void"]
    assert "Refunded in Shopify" in (_statuses(shop, "#4001")[0][1] or "")


def test_a_shopify_order_partly_refunded_after_its_import_voids_one_unit_per_refund(
        shop: Database, tmp_path: Path) -> None:
    run(shop, _shopify(tmp_path, "monday.csv", "paid"))
    tuesday = run(shop, _shopify(tmp_path, "tuesday.csv", "partially_refunded", "499.00"))
    assert len(tuesday.voided) == 1 and tuesday.skipped_invoices == ("#4001",)
    # Wednesday's export says the same 499.00: nothing more went back.
    wednesday = run(shop, _shopify(tmp_path, "wednesday.csv", "partially_refunded", "499.00"))
    assert wednesday.voided == ()
    # Friday's says 998.00 in all: the second phone came back too.
    friday = run(shop, _shopify(tmp_path, "friday.csv", "partially_refunded", "998.00"))
    assert len(friday.voided) == 1
    assert [s for s, _ in _statuses(shop, "#4001")] == ["void", "void"]


def test_a_shopify_partial_refund_no_choice_of_items_adds_up_to_asks_a_person(
        shop: Database, tmp_path: Path) -> None:
    # 4.95 back (shipping, say) is the price of no phone: nothing is voided, a person decides.
    report = run(shop, _shopify(tmp_path, "ship.csv", "partially_refunded", "4.95"))
    assert report.sales == 1 and report.voided == ()
    assert len(report.refunds) == 1 and "warranty void CODE" in report.refunds[0]
    assert [s for s, _ in _statuses(shop, "#4001")] == ["active", "active"]


def test_a_shopify_partial_refund_two_products_could_make_voids_neither(
        shop: Database, tmp_path: Path) -> None:
    path = _shopify(tmp_path, "two.csv", "partially_refunded", "499.00")
    line = path.read_text().splitlines()[1]
    second = line.replace("#4001,pia@example.com,partially_refunded", "#4001,,").replace(
        ",2,,499.00,", ",1,,499.00,").replace("PHN-200", "LAP-100")
    path.write_text(path.read_text() + second + "\n")
    report = run(shop, path)
    assert report.voided == () and "warranty void CODE" in report.refunds[0]


def test_a_paid_shopify_order_with_money_refunded_is_taken_as_partly_refunded(
        shop: Database, tmp_path: Path) -> None:
    report = run(shop, _shopify(tmp_path, "odd.csv", "paid", "499.00"))
    assert report.sales == 1 and len(report.voided) == 1
    assert sorted(s for s, _ in _statuses(shop, "#4001")) == ["active", "void"]


def test_an_unknown_shopify_financial_status_is_a_bad_cell(
        shop: Database, tmp_path: Path) -> None:
    problems = rejected(shop, _shopify(tmp_path, "odd.csv", "maybe"))
    assert where(problems) == {(2, "Financial Status")}
    assert "paid" in problems[0].message


@pytest.mark.parametrize("written", ["1e4", "1E4", "1e+04", "10_000", "1,000", "0x10", " 2e0"])
def test_a_native_quantity_in_exponent_or_grouped_form_is_refused(
        shop: Database, tmp_path: Path, written: str) -> None:
    path = write_native(tmp_path / "q.csv", [["Q-1", "2026-11-20", "CBL-1", written, "15.00",
                                              "", "", "", "", "", ""]])
    problems = rejected(shop, path)
    assert where(problems) == {(2, "quantity")}
    assert "digits only" in problems[0].message


def test_a_square_quantity_of_1e4_is_refused(shop: Database, tmp_path: Path) -> None:
    row = _PHONE_SALE.replace(",2,Regular,", ",1e4,Regular,")
    assert where(rejected(shop, _square(tmp_path, "q.csv", [row]))) == {(2, "Qty")}


def test_a_shopify_quantity_of_1e4_is_refused(shop: Database, tmp_path: Path) -> None:
    path = _shopify(tmp_path, "q.csv", "paid")
    path.write_text(path.read_text().replace(",2,,499.00,", ",1e4,,499.00,"))
    assert where(rejected(shop, path)) == {(2, "Lineitem quantity")}


def test_a_quantity_over_the_line_limit_is_refused_without_building_it(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "q.csv", [["Q-1", "2026-11-20", "CBL-1", "1000000000",
                                              "15.00", "", "", "", "", "", ""]])
    problems = rejected(shop, path, dry_run=True)
    assert where(problems) == {(2, "quantity")}
    assert "more than the 1,000" in problems[0].message


def test_a_spreadsheet_whole_number_still_counts(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "q.csv", [["Q-1", "2026-11-20", "CBL-1", "2.0", "15.00",
                                              "", "", "", "", "", ""]])
    assert run(shop, path).warranties == 2


def test_shopify_statuses_cover_every_status_its_api_names() -> None:
    named = {"paid", "partially_refunded", "pending", "authorized", "partially_paid", "unpaid",
             "expired", "refunded", "voided"}
    assert named == shopify.STATUSES
