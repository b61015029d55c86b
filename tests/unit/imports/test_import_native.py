"""Importing Warranty Desk's own CSV and JSON files: good files land, bad rows are all named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.unit.imports.import_helpers import (
    DATA,
    counts,
    rejected,
    run,
    where,
    write_native,
)
from warranty_desk.errors import BadInput
from warranty_desk.models import (
    Customer,
    ImportBatch,
    InvoiceLine,
    Product,
    Sale,
    Segment,
    Warranty,
    WarrantyLayer,
)
from warranty_desk.services.imports import native
from warranty_desk.storage.database import Database


def _warranties_by_serial(db: Database) -> dict[str | None, list[tuple[str, list[str]]]]:
    """serial -> [(sku, layer kinds in order)] for every warranty."""
    found: dict[str | None, list[tuple[str, list[str]]]] = {}
    with db.read() as session:
        for w in session.scalars(select(Warranty)):
            sku = session.get_one(Product, w.product_id).sku
            kinds = list(session.scalars(select(WarrantyLayer.kind).where(
                WarrantyLayer.warranty_id == w.id).order_by(WarrantyLayer.start_on)))
            found.setdefault(w.serial, []).append((sku, kinds))
    return found


def test_the_good_native_csv_imports_every_sale_line_warranty_and_extension(
        shop: Database) -> None:
    report = run(shop, DATA / "native_good.csv")
    assert (report.format, report.sales, report.lines, report.warranties, report.extensions,
            report.registration_gaps, report.already_imported) == (
        "native-csv", 4, 5, 8, 2, 0, False)
    assert counts(shop)["warranties"] == 8
    by_serial = _warranties_by_serial(shop)
    assert by_serial["LMN14-0001"] == [("LAP-100", ["manufacturer", "shop", "extension"])]
    assert by_serial["VST55-A1009"] == [("TV-55", ["manufacturer", "shop", "extension"])]
    assert by_serial["ORB-X-7781"] == [("PHN-200", ["manufacturer", "shop"])]
    assert by_serial["LMN14-0101"] == [("LAP-100", ["manufacturer", "shop"])]
    assert by_serial[None] == [("CBL-1", ["manufacturer"])] * 2


def test_a_bom_crlf_and_blank_trailing_lines_leave_five_data_rows(shop: Database) -> None:
    raw = (DATA / "native_good.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n\r\n" in raw
    run(shop, DATA / "native_good.csv")
    with shop.read() as session:
        batch = session.execute(select(ImportBatch.rows, ImportBatch.format,
                                       ImportBatch.file_name)).one()
    assert tuple(batch) == (5, "native-csv", "native_good.csv")


def test_the_same_phone_on_two_invoices_makes_one_customer(shop: Database) -> None:
    run(shop, DATA / "native_good.csv")
    with shop.read() as session:
        customers = {c.name: c.id for c in session.scalars(select(Customer))}
        keller = session.scalars(select(Sale.customer_id).where(
            Sale.invoice_number.in_(["INV-2026-0101", "INV-2026-0103"]))).all()
    assert sorted(customers) == ["Brandt & Söhne, GmbH", "Jonas Weber", "Maria Keller"]
    assert keller == [customers["Maria Keller"]] * 2


def test_segment_and_reference_come_from_the_file(shop: Database) -> None:
    run(shop, DATA / "native_good.csv")
    with shop.read() as session:
        brandt = session.execute(select(Customer.segment, Customer.phone).where(
            Customer.reference == "B-2001")).one()
        weber = session.scalars(select(Customer.segment).where(
            Customer.name == "Jonas Weber")).one()
    assert (brandt.segment, brandt.phone, weber) == (
        Segment.BUSINESS, "+4940998877", Segment.VIP)


def test_unit_prices_are_stored_in_minor_units(shop: Database) -> None:
    run(shop, DATA / "native_good.csv")
    with shop.read() as session:
        prices = set(session.scalars(select(InvoiceLine.unit_price_minor)))
    assert prices == {89_900, 1_500, 49_900, 129_900, 84_950}


def test_the_good_native_json_imports_with_customers_once_and_extensions(
        shop: Database) -> None:
    report = run(shop, DATA / "native_good.json")
    assert (report.format, report.sales, report.lines, report.warranties, report.extensions) == (
        "native-json", 3, 4, 5, 3)
    by_serial = _warranties_by_serial(shop)
    assert by_serial["ORB-X-5001"] == [("PHN-200", ["manufacturer", "shop", "extension"])]
    assert by_serial["VST55-C3002"] == [("TV-55", ["manufacturer", "shop", "extension"])]
    assert by_serial["LMN14-5003"] == [("LAP-100", ["manufacturer", "shop"])]
    with shop.read() as session:
        names = sorted(session.scalars(select(Customer.name)))
        sources = set(session.scalars(select(Sale.source)))
        lukas = session.scalars(select(Customer.segment).where(
            Customer.reference == "VIP-0007")).one()
    assert names == ["Lukas Brenner", "Sofia Marino"]
    assert sources == {"json"}
    assert lukas is Segment.VIP


def test_the_bad_native_csv_writes_nothing_and_names_every_bad_row(shop: Database) -> None:
    problems = rejected(shop, DATA / "native_bad.csv")
    assert where(problems) == {
        (3, "sku"), (4, "unit_price"), (5, "sold_on"), (6, "customer_segment"),
        (7, "quantity"), (8, "serials"), (9, "serials"), (10, "unit_price"), (11, "sold_on"),
        (12, "unit_price"),
    }
    text = {(p.row, p.column): p.message for p in problems}
    assert "Unknown product 'LAP-999'" in text[(3, "sku")]
    assert "decimal comma" in text[(4, "unit_price")]
    assert "in the future" in text[(5, "sold_on")]
    assert "retail, vip, business, reseller" in text[(6, "customer_segment")]
    assert "not a positive number" in text[(7, "quantity")]
    assert "Scan the missing serial" in text[(8, "serials")]
    assert "LMN14-7001 also appears at row 2" in text[(9, "serials")]
    assert "more than 2 decimals" in text[(10, "unit_price")]
    assert "YYYY-MM-DD" in text[(11, "sold_on")]
    assert "negative" in text[(12, "unit_price")]
    assert [p.row for p in problems] == sorted(p.row or 0 for p in problems)


def test_the_bad_native_json_names_each_place_by_its_json_path(shop: Database) -> None:
    problems = rejected(shop, DATA / "native_bad.json")
    assert where(problems) == {
        (1, "invoices[0].lines[1].serials"), (2, "invoices[1].sold_on"),
        (3, "invoices[2].customer.segment"), (3, "invoices[2].lines[1].sku"),
        (3, "invoices[2].lines[2].quantity"), (3, "invoices[2].lines[3].unit_price"),
        (4, "invoices[3].lines"),
    }
    text = {p.column: p.message for p in problems}
    assert "ORB-X-6001 also appears at invoices[0].lines[0]" in text[
        "invoices[0].lines[1].serials"]
    assert "not a real calendar date" in text["invoices[1].sold_on"]
    assert "Unknown product 'MOUSE-9'" in text["invoices[2].lines[1].sku"]
    assert "more than 2 decimals" in text["invoices[2].lines[3].unit_price"]


def test_a_serial_already_under_warranty_names_that_warranty(
        shop: Database, tmp_path: Path) -> None:
    run(shop, DATA / "native_good.csv")
    with shop.read() as session:
        code = session.scalars(select(Warranty.code).where(
            Warranty.serial == "LMN14-0001")).one()
    again = write_native(tmp_path / "again.csv", [
        ["INV-2026-0200", "2026-11-21", "LAP-100", "1", "899.00", "lmn14-0001", "", "Kai Roth",
         "0151 000 1111", "", "retail"]])
    problems = rejected(shop, again)
    assert where(problems) == {(2, "serials")}
    assert f"already covered by warranty {code}" in problems[0].message


def test_the_same_serial_twice_in_one_file_names_both_rows(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "dupes.csv", [
        ["A-1", "2026-11-20", "PHN-200", "1", "499.00", "ORB-1", "", "", "", "", ""],
        ["A-2", "2026-11-20", "CBL-1", "1", "15.00", "", "", "", "", "", ""],
        ["A-3", "2026-11-21", "PHN-200", "1", "499.00", "orb-1", "", "", "", "", ""],
    ])
    problems = rejected(shop, path)
    assert [(p.row, p.column, "also appears at row 2" in p.message) for p in problems] == [
        (4, "serials", True)]


@pytest.mark.parametrize(("price", "reason"), [
    ("abc", "is not an amount"), ("12.345", "more than 2 decimals"), ("-5.00", "negative"),
    ("", "empty"), ("1e3", "is not an amount"), ("12,50", "decimal comma"),
])
def test_a_bad_unit_price_is_named_with_its_reason(
        shop: Database, tmp_path: Path, price: str, reason: str) -> None:
    path = write_native(tmp_path / "price.csv", [
        ["P-1", "2026-11-20", "CBL-1", "1", price, "", "", "", "", "", ""]])
    problems = rejected(shop, path)
    assert where(problems) == {(2, "unit_price")}
    assert reason in problems[0].message


def test_a_future_sale_date_is_refused(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "future.csv", [
        ["F-1", "2026-11-23", "CBL-1", "1", "15.00", "", "", "", "", "", ""]])
    problems = rejected(shop, path)
    assert [(p.row, p.column) for p in problems] == [(2, "sold_on")]
    assert "2026-11-23 is in the future" in problems[0].message


def test_an_unknown_customer_segment_is_refused_with_the_choices(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "segment.csv", [
        ["S-1", "2026-11-20", "CBL-1", "1", "15.00", "", "", "Ann", "07700 900123", "", "Gold"]])
    problems = rejected(shop, path)
    assert [(p.row, p.column) for p in problems] == [(2, "customer_segment")]
    assert "Unknown customer segment 'Gold'" in problems[0].message


def test_rows_of_one_invoice_with_different_dates_are_a_problem(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "dates.csv", [
        ["D-1", "2026-11-20", "CBL-1", "1", "15.00", "", "", "", "", "", ""],
        ["D-1", "2026-11-21", "CBL-1", "1", "15.00", "", "", "", "", "", ""],
    ])
    problems = rejected(shop, path)
    assert [(p.row, p.column) for p in problems] == [(3, "sold_on")]
    assert "dated 2026-11-20 on row 2 but 2026-11-21 here" in problems[0].message


def test_columns_may_come_in_any_order_and_case(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "order.csv", [["15.00", "CBL-1", "O-1", "2", "2026-11-20"]],
                        header=["UNIT_PRICE", "Sku", "Invoice_Number", "quantity", "SOLD_ON"])
    report = run(shop, path)
    assert (report.sales, report.warranties) == (1, 2)


def test_a_missing_required_column_is_named_on_the_header_row(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "noprice.csv", [["N-1", "2026-11-20", "CBL-1", "1"]],
                        header=["invoice_number", "sold_on", "sku", "quantity"])
    problems = rejected(shop, path)
    assert [(p.row, p.column) for p in problems] == [(1, "unit_price")]
    assert "missing from the header row" in problems[0].message


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_problem(
        shop: Database, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("invoice_number,sold_on,sku,quantity,unit_price,customer_name\n"
                     "L-1,2026-11-20,CBL-1,1,15.00,Jürgen\n".encode("latin-1"))
    problems = rejected(shop, path)
    assert [(p.row, p.column) for p in problems] == [(2, "file")]
    assert "not UTF-8" in problems[0].message and "CSV UTF-8" in problems[0].message


def test_a_json_file_of_another_version_is_refused(shop: Database, tmp_path: Path) -> None:
    path = tmp_path / "v2.json"
    path.write_text(json.dumps({"format": native.JSON_MARKER, "version": 2, "invoices": []}))
    problems = rejected(shop, path)
    assert [(p.row, p.column) for p in problems] == [(None, "version")]


def test_broken_json_is_refused_with_its_line_and_column(shop: Database, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "warranty-desk-invoices", "version": 1,\n "invoices": [}\n')
    problems = rejected(shop, path)
    assert [(p.row, p.column) for p in problems] == [(None, "file")]
    assert "line 2, column 15" in problems[0].message


def test_an_unrecognised_file_names_the_file_and_the_expected_headers(
        shop: Database, tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    path.write_text("Article,Warehouse,On hand\nLAP-100,Main,4\n")
    before = counts(shop)
    with pytest.raises(BadInput) as caught:
        run(shop, path)
    message = str(caught.value)
    assert "stock.csv" in message and "Article, Warehouse, On hand" in message
    assert "invoice_number, sold_on, sku, quantity, unit_price" in message
    assert "Lineitem sku" in message and "Transaction ID" in message
    assert caught.value.exit_code == 2
    assert counts(shop) == before


def test_an_unknown_format_name_is_refused(shop: Database) -> None:
    with pytest.raises(BadInput, match="use one of native-csv, native-json, shopify, square"):
        run(shop, DATA / "native_good.csv", fmt="excel")


def test_a_given_format_overrides_detection_and_names_missing_columns(shop: Database) -> None:
    problems = rejected(shop, DATA / "native_good.csv", fmt="square")
    assert {p.column for p in problems} == {"Date", "Transaction ID", "Qty", "Gross Sales",
                                            "Net Sales"}


def test_problems_name_the_column_as_the_file_spells_it(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "caps.csv", [["1O.00", "CBL-9", "C-1", "1", "2026-11-20"]],
                        header=["UNIT_PRICE", "Sku", "Invoice_Number", "quantity", "SOLD_ON"])
    assert where(rejected(shop, path)) == {(2, "UNIT_PRICE")}


def test_a_semicolon_separated_file_from_a_comma_decimal_spreadsheet_imports(
        shop: Database, tmp_path: Path) -> None:
    path = tmp_path / "semicolons.csv"
    path.write_text("invoice_number;sold_on;sku;quantity;unit_price;serials\n"
                    'E-1;2026-11-20;PHN-200;2;499.00;"ORB-E1;ORB-E2"\n', encoding="utf-8")
    report = run(shop, path)
    with shop.read() as session:
        serials = set(session.scalars(select(Warranty.serial)))
    assert (report.sales, report.warranties, serials) == (1, 2, {"ORB-E1", "ORB-E2"})


def test_the_native_parser_tells_json_from_csv_by_the_first_character() -> None:
    as_json = native.parse(b'\xef\xbb\xbf  {"format": "warranty-desk-invoices", "version": 1, '
                           b'"invoices": [{"invoice_number": 7, "sold_on": "2026-11-20", '
                           b'"lines": [{"sku": "CBL-1", "quantity": "2", "unit_price": 15}]}]}',
                           "EUR")
    as_csv = native.parse(b"invoice_number,sold_on,sku,quantity,unit_price\n"
                          b"7,2026-11-20,CBL-1,2,15\n", "EUR")
    assert [(s.source, s.invoice_number, s.lines[0].quantity, s.lines[0].unit_price_minor)
            for s in (*as_json.sales, *as_csv.sales)] == [("json", "7", 2, 1500),
                                                          ("csv", "7", 2, 1500)]
    assert as_json.problems == as_csv.problems == []


def test_a_nul_escape_inside_a_json_string_is_refused_with_its_row_like_a_nul_in_a_csv(
    shop: Database, tmp_path: Path,
) -> None:
    # The bytes hold no NUL: JSON writes it as the escape \u0000, which reads back as one.
    doc = json.loads((DATA / "native_good.json").read_text("utf-8"))
    doc["invoices"][1]["customer"]["name"] = "Lukas\u0000Brenner"
    doc["invoices"][2]["lines"][0]["serials"] = ["LMN14-50\u000703"]
    path = tmp_path / "nul.json"
    path.write_text(json.dumps(doc), "utf-8")
    assert b"\x00" not in path.read_bytes() and b"\\u0000" in path.read_bytes()
    problems = rejected(shop, path)
    assert where(problems) == {(2, "invoices[1].customer.name"),
                               (3, "invoices[2].lines[0].serials[0]")}
    text = {p.column: p.message for p in problems}
    assert text["invoices[1].customer.name"] == (
        "name holds a control character (U+0000) that no sales export writes, so the file "
        "is damaged. Export it again, or remove that character in a text editor.")
    assert "(U+0007)" in text["invoices[2].lines[0].serials[0]"]
    assert not any("\x00" in p.message or "\x07" in p.message for p in problems)
