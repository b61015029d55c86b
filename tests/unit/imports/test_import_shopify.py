"""Importing Shopify's orders export: order fields on the first row, refunds left out."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.unit.imports.import_helpers import DATA, counts, rejected, run, where
from warranty_desk.models import Customer, InvoiceLine, Sale, Warranty
from warranty_desk.services.imports import shopify
from warranty_desk.storage.database import Database


def test_the_good_shopify_export_imports_paid_orders_without_serials(shop: Database) -> None:
    report = run(shop, DATA / "shopify_good.csv")
    assert (report.format, report.sales, report.lines, report.warranties, report.extensions,
            report.registration_gaps) == ("shopify", 3, 4, 7, 0, 4)
    assert report.left_out == ("#1003 (refunded)",)
    with shop.read() as session:
        sales = {n: d for n, d in session.execute(select(Sale.invoice_number, Sale.sold_on))}
        serials = set(session.scalars(select(Warranty.serial)))
        sources = set(session.scalars(select(Sale.source)))
    assert sales == {"#1001": date(2026, 11, 2), "#1002": date(2026, 11, 10),
                     "#1004": date(2026, 11, 20)}
    assert serials == {None}
    assert sources == {"shopify"}
    assert counts(shop)["warranties"] == 7


def test_later_rows_of_an_order_add_lines_to_the_first_rows_order(shop: Database) -> None:
    run(shop, DATA / "shopify_good.csv")
    with shop.read() as session:
        lines = session.execute(
            select(InvoiceLine.line_no, InvoiceLine.quantity, InvoiceLine.unit_price_minor)
            .join(Sale).where(Sale.invoice_number == "#1002").order_by(InvoiceLine.line_no)
        ).all()
    assert [tuple(line) for line in lines] == [(1, 1, 89_900), (2, 3, 1_500)]


def test_the_same_shopify_customer_on_two_orders_is_one_customer(shop: Database) -> None:
    run(shop, DATA / "shopify_good.csv")
    with shop.read() as session:
        people = session.execute(select(Customer.name, Customer.phone, Customer.email)).all()
        lena = set(session.scalars(select(Sale.customer_id).where(
            Sale.invoice_number.in_(["#1001", "#1004"]))))
    assert sorted(tuple(p) for p in people) == [
        ("Lena Fischer", "+49301234567", "lena.fischer@example.com"),
        ("Tom Berger", "+49407654321", "tom.berger@example.com"),
    ]
    assert len(lena) == 1


def test_the_bad_shopify_export_writes_nothing_and_names_every_bad_row(shop: Database) -> None:
    problems = rejected(shop, DATA / "shopify_bad.csv")
    assert where(problems) == {
        (2, "Lineitem sku"), (3, "Lineitem quantity"), (4, "Created at"),
        (5, "Lineitem price"), (6, "Created at"), (7, "Lineitem sku"),
    }
    text = {(p.row, p.column): p.message for p in problems}
    assert "Unknown product 'LAP-1000'" in text[(2, "Lineitem sku")]
    assert "in the future" in text[(6, "Created at")]
    assert "has no SKU" in text[(7, "Lineitem sku")]


@pytest.mark.parametrize(("written", "day"), [
    ("2026-11-02 14:03:11 +0100", date(2026, 11, 2)),
    ("2026-11-02 23:59:59 -0800", date(2026, 11, 2)),
    ("2026-11-02T00:10:00+01:00", date(2026, 11, 2)),
    ("2026-11-02", date(2026, 11, 2)),
])
def test_created_at_gives_the_calendar_day_the_shop_wrote(written: str, day: date) -> None:
    assert shopify.created_date(written) == day


@pytest.mark.parametrize("written", ["", "02.11.2026 14:03", "2026-02-30 10:00:00 +0100"])
def test_created_at_that_is_not_a_date_is_refused(written: str) -> None:
    with pytest.raises(ValueError, match="date"):
        shopify.created_date(written)


def test_a_voided_order_is_left_out_and_reported() -> None:
    header = ",".join(shopify.REQUIRED) + "\n"
    data = (header + "#7,2026-11-02 10:00:00 +0100,voided,1,15.00,CBL-1\n"
            "#7,,,2,15.00,CBL-1\n#8,2026-11-03 10:00:00 +0100,paid,1,15.00,CBL-1\n").encode()
    parsed = shopify.parse(data, "EUR")
    assert [s.invoice_number for s in parsed.sales] == ["#8"]
    assert parsed.left_out == ["#7 (voided)"]
    assert parsed.problems == []
