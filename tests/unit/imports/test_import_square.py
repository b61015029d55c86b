"""Importing Square's item sales export: rows grouped by transaction, money in US form."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.unit.imports.import_helpers import DATA, counts, rejected, run, where
from warranty_desk.models import Customer, InvoiceLine, Sale
from warranty_desk.money import MoneyError, parse_amount
from warranty_desk.services.imports import square
from warranty_desk.storage.database import Database


def test_the_good_square_export_imports_every_payment_row(shop: Database) -> None:
    report = run(shop, DATA / "square_good.csv")
    assert (report.format, report.sales, report.lines, report.warranties, report.extensions,
            report.registration_gaps) == ("square", 3, 4, 5, 0, 3)
    assert report.left_out == ()
    # Row 6 refunds one of the two cables of the first transaction: its warranty is voided.
    assert len(report.voided) == 1
    assert report.refunds == (f"row 6: refund of 1 × CBL-1 in kq3vT9xNp4aLrB2mC7dE voided "
                              f"{report.voided[0]}.",)
    with shop.read() as session:
        sales = {n: d for n, d in session.execute(select(Sale.invoice_number, Sale.sold_on))}
    assert sales == {"kq3vT9xNp4aLrB2mC7dE": date(2026, 11, 18),
                     "Zr8wQ1yHs5bKtD3nF9gJ": date(2026, 11, 19),
                     "Pm2cV6uLr0eWsX4aB8hN": date(2026, 11, 19)}
    assert counts(shop)["invoice_lines"] == 4


def test_the_unit_price_is_net_sales_divided_by_qty(shop: Database) -> None:
    run(shop, DATA / "square_good.csv")
    with shop.read() as session:
        prices = sorted((q, p) for q, p in session.execute(
            select(InvoiceLine.quantity, InvoiceLine.unit_price_minor)))
    assert prices == [(1, 49_900), (1, 89_900), (1, 129_900), (2, 1_500)]


def test_square_customers_are_matched_by_reference_or_square_id(shop: Database) -> None:
    run(shop, DATA / "square_good.csv")
    with shop.read() as session:
        people = sorted((n, r) for n, r in session.execute(
            select(Customer.name, Customer.reference)))
    assert people == [("Omar Haddad", "CUST-77"),
                      ("Priya Shah", "SQ-JDKYHBWT1D4F8MFH63DBMEN8Y4")]


def test_the_bad_square_export_writes_nothing_and_names_every_bad_row(shop: Database) -> None:
    problems = rejected(shop, DATA / "square_bad.csv")
    assert where(problems) == {(2, "Gross Sales"), (2, "Net Sales"), (3, "Qty"),
                               (4, "Gross Sales"), (5, "SKU"), (6, "Date")}
    text = {(p.row, p.column): p.message for p in problems}
    assert "decimal comma" in text[(2, "Gross Sales")]
    assert "whole number of units" in text[(3, "Qty")]
    assert "not a whole number of cents per unit" in text[(4, "Gross Sales")]
    assert "Unknown product 'TV-65'" in text[(5, "SKU")]


@pytest.mark.parametrize(("written", "minor"), [
    ("$1,299.00", 129_900), ("€1,299.00", 129_900), ("£15", 1_500), ("1299.5", 129_950),
    ("$1,234,567.89", 123_456_789), ("-$15.00", -1_500), ("($15.00)", -1_500),
    ("$-15.00", -1_500), ("0.00", 0),
])
def test_square_money_reads_symbols_and_us_thousands(written: str, minor: int) -> None:
    assert parse_amount(written, "USD", symbols=True) == minor


@pytest.mark.parametrize(("written", "reason"), [
    ("€1.299,00", "decimal comma"), ("$12.345", "more than 2 decimals"),
    ("$12,34.00", "is not an amount"), ("USD 5", "is not an amount"), ("", "empty"),
])
def test_square_money_that_cannot_be_read_says_why(written: str, reason: str) -> None:
    with pytest.raises(MoneyError, match=reason):
        parse_amount(written, "USD", symbols=True)


def test_plain_money_refuses_currency_symbols() -> None:
    with pytest.raises(MoneyError, match="is not an amount"):
        parse_amount("$5.00", "USD")


@pytest.mark.parametrize(("written", "day"), [
    ("2026-11-02", date(2026, 11, 2)), ("11/2/2026", date(2026, 11, 2)),
    ("11/02/26", date(2026, 11, 2)),
])
def test_square_dates_in_iso_or_us_form_are_read(written: str, day: date) -> None:
    assert square.sale_date(written) == day
