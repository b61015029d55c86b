"""Customers in an import: every bad phone or email named, and nobody matched by a wrong name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.conftest import actor, sqlite_rows
from tests.unit.imports.import_helpers import rejected, run, where, write_native
from warranty_desk.permissions import Role
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database


def _row(invoice: str, name: str, phone: str = "", email: str = "", *, serial: str = "",
         sku: str = "CBL-1", price: str = "15.00", plan: str = "") -> list[str]:
    return [invoice, "2026-11-20", sku, "1", price, serial, plan, name, phone, email, ""]


def _names(db: Database) -> list[str]:
    return [r[0] for r in sqlite_rows(
        db.path, "SELECT name FROM customers ORDER BY name")]


def test_a_row_with_a_bad_email_and_a_short_phone_lists_both(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "both.csv", [
        _row("B-1", "Audit Person", "12", "audit.example.org"),
        _row("B-2", "Good Person", "07700 900123", "good@example.org")])
    problems = rejected(shop, path)
    assert where(problems) == {(2, "customer_phone"), (2, "customer_email")}
    text = {p.column: p.message for p in problems}
    assert "'12' is not a phone number: it has too few digits" in text["customer_phone"]
    assert "'audit.example.org' is not an email address" in text["customer_email"]


def test_a_bad_email_alone_or_a_short_phone_alone_is_refused(
        shop: Database, tmp_path: Path) -> None:
    email = write_native(tmp_path / "email.csv", [_row("E-1", "Audit Person", "", "nobody")])
    assert where(rejected(shop, email)) == {(2, "customer_email")}
    phone = write_native(tmp_path / "phone.csv", [_row("P-1", "Audit Person", "12")])
    assert where(rejected(shop, phone)) == {(2, "customer_phone")}


def test_an_unknown_extension_plan_lists_the_plans_on_sale(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "plan.csv", [
        _row("X-1", "Ann", sku="LAP-100", price="899.00", serial="SN-1", plan="Gold Care")])
    (problem,) = rejected(shop, path)
    assert (problem.row, problem.column) == (2, "extension_plan")
    assert problem.message == ("Unknown extension plan 'Gold Care'. Plans on sale: Care 12, "
                               "Care+ 24. Write one of these exactly, or leave the plan out.")


def test_a_plan_the_unit_cannot_take_names_its_price_band_in_the_shops_money(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "band.csv", [
        _row("X-2", "Ann", sku="PHN-200", price="1999.00", serial="SN-2", plan="Care 12")])
    (problem,) = rejected(shop, path)
    assert "Only for items priced from €100.00 to €1,000.00." in problem.message


def _grace(db: Database) -> None:
    record_sale(db, actor(Role.SALES), SaleInput(
        "POS-1", date(2026, 11, 1), (LineInput("CBL-1", 1, 1_500),),
        CustomerInput("Grace Okafor", phone="+44 7700 900999", email="grace@example.org")))


def test_a_phone_on_file_under_another_name_is_a_problem_naming_both(
        shop: Database, tmp_path: Path) -> None:
    _grace(shop)
    path = write_native(tmp_path / "audit.csv", [
        _row("A-1", "Audit Person", "07700 900999"),
        _row("A-2", "Someone Else", "", "GRACE@example.org")])
    problems = rejected(shop, path)
    assert where(problems) == {(2, "customer_name"), (3, "customer_name")}
    by_row = {p.row: p.message for p in problems}
    assert by_row[2] == (
        "The phone +447700900999 belongs to Grace Okafor (BR01-CU-000001), but this sale names "
        "Audit Person. If it is the same person, write the name as Grace Okafor; if not, "
        "correct the phone.")
    assert "The email grace@example.org belongs to Grace Okafor" in by_row[3]
    assert _names(shop) == ["Grace Okafor"]


def test_one_phone_under_two_new_names_in_one_file_is_a_problem(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "twins.csv", [
        _row("T-1", "Sam Twin", "07700 900555"), _row("T-2", "Sam Twine", "+44 7700 900555")])
    (problem,) = rejected(shop, path)
    assert (problem.row, problem.column) == (3, "customer_name")
    assert "is also given for Sam Twin at row 2, but this sale names Sam Twine" in problem.message


def test_the_same_name_written_differently_still_matches_the_customer_on_file(
        shop: Database, tmp_path: Path) -> None:
    _grace(shop)
    path = write_native(tmp_path / "same.csv", [_row("S-1", "grace  OKAFOR", "07700 900999")])
    report = run(shop, path)
    assert report.sales == 1
    assert _names(shop) == ["Grace Okafor"]
