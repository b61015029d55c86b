"""What large files rely on: repeated cells checked once yet every bad row named, odd headings."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from tests.unit.imports.import_helpers import counts, rejected, run, where, write_native
from warranty_desk.services.imports import fields
from warranty_desk.services.imports.table import read
from warranty_desk.storage.database import Database


def _row(invoice: str, sold_on: str = "2026-11-20", quantity: str = "1",
         price: str = "15.00") -> list[str]:
    return [invoice, sold_on, "CBL-1", quantity, price, "", "", "", "", "", ""]


def test_the_same_bad_cell_on_many_rows_is_named_on_every_row(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "repeats.csv", [
        _row("A-1", price="1,5"), _row("A-2", price="1,5"), _row("A-3", price="1,5"),
        _row("B-1", sold_on="2026-02-30"), _row("B-2", sold_on="2026-02-30"),
        _row("C-1", quantity="0"), _row("C-2", quantity="0"), _row("D-1")])
    problems = rejected(shop, path)
    assert where(problems) == {(2, "unit_price"), (3, "unit_price"), (4, "unit_price"),
                               (5, "sold_on"), (6, "sold_on"), (7, "quantity"), (8, "quantity")}
    assert len({p.message for p in problems if p.column == "unit_price"}) == 1


def test_repeated_good_cells_give_every_row_its_own_values(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "good.csv", [
        _row("G-1", price="15.00"), _row("G-2", price="15.00"), _row("G-3", price="15.5"),
        _row("G-3", price="15.00", quantity="2")])
    report = run(shop, path)
    assert (report.sales, report.lines, report.warranties) == (3, 4, 5)
    assert counts(shop)["warranties"] == 5


@pytest.mark.parametrize("was_on", [True, False])
def test_an_import_leaves_the_cycle_collector_as_it_found_it(
        shop: Database, tmp_path: Path, was_on: bool) -> None:
    good = write_native(tmp_path / "good.csv", [_row("G-1")])
    bad = write_native(tmp_path / "bad.csv", [_row("B-1", quantity="0")])
    before = gc.isenabled()
    try:
        gc.enable() if was_on else gc.disable()
        run(shop, good)
        assert gc.isenabled() is was_on
        rejected(shop, bad)
        assert gc.isenabled() is was_on
    finally:
        gc.enable() if before else gc.disable()


def test_a_repeated_or_blank_heading_is_ignored_and_short_rows_read_blank() -> None:
    table, problem = read(" Sku ,,SKU,qty\nA, x ,B,2, extra\n\n ,\nC\n")
    assert problem is None
    assert table.columns == {"sku": "Sku", "qty": "qty"}
    assert table.rows == [(2, {"sku": "A", "qty": "2"}), (5, {"sku": "C", "qty": ""})]


def test_rows_line_up_with_headings_in_any_order() -> None:
    table, _ = read("b;a\n1;2\n")
    assert table.rows == [(2, {"b": "1", "a": "2"})]


@pytest.mark.parametrize(("text", "serials"), [
    ("", ()), ("  ", ()), (" SN-1 ", ("SN-1",)), ("SN-1|SN-2", ("SN-1", "SN-2")),
    ("SN-1; ;SN-2|", ("SN-1", "SN-2")),
])
def test_serial_lists_split_on_bars_and_semicolons(text: str, serials: tuple[str, ...]) -> None:
    assert fields.serial_list(text) == serials
