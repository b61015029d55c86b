"""CSV exports neutralise spreadsheet formulas and still read back cell for cell."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from warranty_desk.services.exports import FORMULA_STARTS, safe_cell, write_csv


@pytest.mark.parametrize("text", [
    "=HYPERLINK(\"http://evil.example\",\"Click\")", "+1+2", "-2+3", "@SUM(A1:A2)",
    "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0",
])
def test_every_dangerous_start_gets_a_leading_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_every_listed_formula_start_is_covered() -> None:
    assert {safe_cell(start + "x")[0] for start in FORMULA_STARTS} == {"'"}
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("text", [
    "Lumen 14 Laptop", "BR01-W-2026-000001", "a=b", "name@example.com", "", "'quoted",
    "Brandt & Söhne, GmbH", "line one\nline two",
])
def test_ordinary_text_is_left_as_it_is(text: str) -> None:
    assert safe_cell(text) == text


@pytest.mark.parametrize(("value", "cell"), [
    (-12, "-12"), (-12.5, "-12.5"), (Decimal("-12.00"), "-12.00"), (0, "0"), (None, ""),
    (date(2026, 11, 22), "2026-11-22"), (True, "True"),
])
def test_numbers_dates_and_blanks_are_written_plainly(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


def test_a_negative_amount_exported_as_text_is_neutralised() -> None:
    assert safe_cell("-12.00") == "'-12.00"


def test_write_csv_round_trips_through_the_csv_reader() -> None:
    rows = [
        {"code": "BR01-W-2026-000001", "customer": "=1+1", "note": 'said "hi", left',
         "refund": -12},
        {"code": "BR01-W-2026-000002", "customer": "Ana\nLopez", "refund": None},
    ]
    stream = io.StringIO(newline="")
    written = write_csv(stream, ["code", "customer", "note", "refund"], rows)
    stream.seek(0)
    back = list(csv.reader(stream))
    assert written == 2
    assert back == [
        ["code", "customer", "note", "refund"],
        ["BR01-W-2026-000001", "'=1+1", 'said "hi", left', "-12"],
        ["BR01-W-2026-000002", "Ana\nLopez", "", ""],
    ]


def test_write_csv_with_no_rows_writes_only_the_header() -> None:
    stream = io.StringIO(newline="")
    assert write_csv(stream, ["a", "b"], iter([])) == 0
    assert stream.getvalue() == "a,b\r\n"
