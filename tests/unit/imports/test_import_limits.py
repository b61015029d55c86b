"""Files that must be refused, in plain words and whole: repeated headings, overlong or huge
cells, no data, too many rows, formulas, amounts past the money type, deep JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.unit.imports.import_helpers import (
    NATIVE_HEADER,
    counts,
    rejected,
    run,
    where,
    write_native,
)
from warranty_desk.errors import BadInput
from warranty_desk.services.imports import limits, native
from warranty_desk.storage.database import Database

# A second customer's phone, so a second row is no clash with the first row's customer.
OTHER_PHONE = "+44 7700 900124"


def _line(**cells: str) -> list[str]:
    """One native CSV row selling a cable, with some cells written over."""
    row = dict(zip(NATIVE_HEADER, ["L-1", "2026-11-20", "CBL-1", "1", "15.00", "", "",
                                   "Ada Brun", "+44 7700 900123", "", "retail"], strict=True))
    row.update(cells)
    return [row[c] for c in NATIVE_HEADER]


def _json(path: Path, invoices: object) -> Path:
    path.write_text(json.dumps({"format": native.JSON_MARKER, "version": 1,
                                "invoices": invoices}), encoding="utf-8")
    return path


def _invoice(**customer: str) -> dict[str, object]:
    return {"invoice_number": "J-1", "sold_on": "2026-11-20",
            "customer": {"name": "Ada Brun", **customer},
            "lines": [{"sku": "CBL-1", "quantity": 1, "unit_price": "15.00"}]}


def test_a_heading_written_twice_is_refused_naming_both_columns(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "twice.csv", [[*_line(), "CBL-2"]],
                        header=[*NATIVE_HEADER, "SKU"])
    problems = rejected(shop, path)
    assert where(problems) == {(1, "sku")}
    assert "more than once (columns C, L)" in problems[0].message


def test_a_customer_name_of_100_kb_in_a_csv_is_refused_without_repeating_it(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "long.csv", [_line(customer_name="A" * 100_000), _line(
        invoice_number="L-2", customer_phone=OTHER_PHONE)])
    problems = rejected(shop, path)
    assert where(problems) == {(2, "customer_name")}
    assert "100,000 characters" in problems[0].message and "at most 200" in problems[0].message
    assert len(problems[0].message) < 300


def test_a_customer_name_of_5_mb_in_json_is_refused_without_repeating_it(
        shop: Database, tmp_path: Path) -> None:
    path = _json(tmp_path / "long.json", [_invoice(name="B" * 5_000_000)])
    problems = rejected(shop, path)
    assert where(problems) == {(1, "invoices[0].customer.name")}
    assert "5,000,000 characters" in problems[0].message and len(problems[0].message) < 300


@pytest.mark.parametrize(("column", "value", "limit"), [
    ("invoice_number", "I" * 65, "64"), ("sku", "S" * 65, "64"),
    ("serials", "N" * 65, "64"), ("customer_email", "e" * 200 + "@example.com", "200"),
    ("extension_plan", "P" * 201, "200"), ("customer_phone", "7" * 41, "40"),
])
def test_an_overlong_id_or_reference_is_refused_with_its_limit(
        shop: Database, tmp_path: Path, column: str, value: str, limit: str) -> None:
    path = write_native(tmp_path / "ids.csv", [_line(**{column: value})])
    problems = rejected(shop, path)
    assert where(problems) == {(2, column)}
    assert f"at most {limit}" in problems[0].message


def test_an_overlong_customer_reference_is_refused(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "ref.csv", [[*_line(), "R" * 41]],
                        header=[*NATIVE_HEADER, "customer_reference"])
    assert where(rejected(shop, path)) == {(2, "customer_reference")}


def test_one_overlong_serial_among_several_is_named(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "serials.csv", [_line(
        sku="PHN-200", quantity="2", unit_price="499.00", serials="ORB-1|" + "X" * 70)])
    problems = rejected(shop, path)
    assert where(problems) == {(2, "serials")}
    assert "70 characters" in problems[0].message


def test_a_csv_with_a_header_and_no_rows_is_refused_in_plain_words(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "header.csv", [])
    problems = rejected(shop, path)
    assert where(problems) == {(None, "file")}
    assert "no data rows" in problems[0].message


def test_a_json_file_with_no_invoices_is_refused(shop: Database, tmp_path: Path) -> None:
    problems = rejected(shop, _json(tmp_path / "none.json", []))
    assert where(problems) == {(None, "invoices")}
    assert "no invoices" in problems[0].message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
        shop: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_native(tmp_path / "big.csv", [_line(invoice_number=f"B-{n}") for n in range(50)])
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1024)
    before = counts(shop)
    with pytest.raises(BadInput, match=r"big\.csv is \d+(\.\d)? KB; .* up to 1 KB ") as caught:
        run(shop, path)
    assert caught.value.exit_code == 2 and counts(shop) == before


def test_the_size_limit_is_said_in_megabytes() -> None:
    assert limits.size_words(limits.MAX_FILE_BYTES) == "64 MB"
    assert limits.size_words(84_410_368) == "80.5 MB"
    assert (limits.size_words(2_560), limits.size_words(300)) == ("2.5 KB", "300 bytes")


def test_a_file_over_the_row_limit_is_refused(
        shop: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    path = write_native(tmp_path / "rows.csv", [_line(invoice_number=f"R-{n}") for n in range(4)])
    problems = rejected(shop, path)
    assert where(problems) == {(None, "file")} and "at most 3" in problems[0].message


def test_a_file_over_the_unit_limit_is_refused(
        shop: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_UNITS", 5)
    path = write_native(tmp_path / "units.csv", [_line(quantity="3"),
                                                 _line(invoice_number="L-2", quantity="3")])
    problems = rejected(shop, path)
    assert where(problems) == {(None, "file")} and "6 units" in problems[0].message


@pytest.mark.parametrize("amount", ["99999999999999999999.00", "1000000000.00"])
def test_an_amount_past_what_the_money_type_keeps_is_a_bad_cell(
        shop: Database, tmp_path: Path, amount: str) -> None:
    path = write_native(tmp_path / "rich.csv", [_line(unit_price=amount)])
    problems = rejected(shop, path)
    assert where(problems) == {(2, "unit_price")}
    assert "up to 999,999,999" in problems[0].message


def test_the_largest_amount_kept_still_imports(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "dear.csv", [_line(unit_price="999999999.99")])
    assert run(shop, path).warranties == 1


def test_a_json_amount_past_the_money_type_is_a_bad_cell(
        shop: Database, tmp_path: Path) -> None:
    invoice = _invoice()
    invoice["lines"] = [{"sku": "CBL-1", "quantity": 1, "unit_price": 10 ** 30}]
    problems = rejected(shop, _json(tmp_path / "rich.json", [invoice]))
    assert where(problems) == {(1, "invoices[0].lines[0].unit_price")}


def test_a_deeply_nested_json_file_is_refused_in_plain_words(
        shop: Database, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    depth = 200_000
    path.write_text('{"format": "warranty-desk-invoices", "version": 1, "invoices": '
                    + "[" * depth + "]" * depth + "}")
    problems = rejected(shop, path)
    assert where(problems) == {(None, "file")}
    assert "nests lists and objects" in problems[0].message


def test_a_json_number_of_thousands_of_digits_is_refused(
        shop: Database, tmp_path: Path) -> None:
    path = tmp_path / "digits.json"
    path.write_text('{"format": "warranty-desk-invoices", "version": 1, "invoices": [{"lines": ['
                    '{"quantity": ' + "9" * 5000 + "}]}]}")
    assert where(rejected(shop, path)) == {(None, "file")}


def test_a_json_key_written_twice_is_refused_at_its_place(
        shop: Database, tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text('{"format": "warranty-desk-invoices", "version": 1, "invoices": [{'
                    '"invoice_number": "J-1", "sold_on": "2026-11-20", "lines": [{"sku": '
                    '"CBL-1", "sku": "LAP-100", "quantity": 1, "unit_price": "15.00"}]}]}')
    problems = rejected(shop, path)
    assert where(problems) == {(1, "invoices[0].lines[0].sku")}
    assert "more than once" in problems[0].message


FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1:A2)", "+1+cmd|' /C calc'!A0",
            "-2+3", "=1+1", "\t=1+1", "\tAda", "\rAda", "-", "+ 1"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_csv_text_cell_a_spreadsheet_would_run_is_refused_with_row_and_column(
        shop: Database, tmp_path: Path, cell: str) -> None:
    path = tmp_path / "formula.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        # Every cell quoted, as a spreadsheet saves a cell holding a tab or a line break.
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        writer.writerows([NATIVE_HEADER, _line(), _line(
            invoice_number="L-2", customer_name=cell, customer_phone=OTHER_PHONE)])
    problems = rejected(shop, path)
    assert where(problems) == {(3, "customer_name")}
    assert "would run as a formula" in problems[0].message


@pytest.mark.parametrize(("cell", "shown", "why"), [
    ("\tAda", "'\\tAda'", "it starts with a tab"),
    ("\rAda", "'\\rAda'", "it starts with a carriage return")])
def test_a_leading_tab_or_carriage_return_is_shown_and_named(
        shop: Database, tmp_path: Path, cell: str, shown: str, why: str) -> None:
    path = tmp_path / "control.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, quoting=csv.QUOTE_ALL).writerows([NATIVE_HEADER, _line(customer_name=cell)])
    message = rejected(shop, path)[0].message
    assert message.startswith(f"{shown} would run as a formula") and f"({why})" in message


@pytest.mark.parametrize("column", ["invoice_number", "sku", "serials", "extension_plan",
                                    "customer_email", "customer_segment"])
def test_every_text_column_is_checked_for_formulas(
        shop: Database, tmp_path: Path, column: str) -> None:
    path = write_native(tmp_path / "formula.csv", [_line(**{column: "=cmd()"})])
    problems = rejected(shop, path)
    assert where(problems) == {(2, column)}
    assert "would run as a formula" in problems[0].message


@pytest.mark.parametrize("cell", ["-12", "+44", "-1.5"])
def test_a_signed_plain_number_in_a_text_cell_is_no_formula(
        shop: Database, tmp_path: Path, cell: str) -> None:
    path = write_native(tmp_path / "plain.csv", [[*_line(), cell]],
                        header=[*NATIVE_HEADER, "customer_reference"])
    assert run(shop, path).sales == 1


def test_a_phone_written_with_a_plus_is_no_formula(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "phone.csv", [_line(customer_phone="+44 7700 900123")])
    assert run(shop, path).sales == 1


def test_a_json_text_a_spreadsheet_would_run_is_refused_at_its_path(
        shop: Database, tmp_path: Path) -> None:
    problems = rejected(shop, _json(tmp_path / "formula.json", [_invoice(email="=x@y.z")]))
    assert where(problems) == {(1, "invoices[0].customer.email")}
    assert "would run as a formula" in problems[0].message


def test_a_sale_before_2000_is_refused(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "old.csv", [_line(sold_on="0001-01-01")])
    problems = rejected(shop, path)
    assert where(problems) == {(2, "sold_on")} and "before 2000-01-01" in problems[0].message
