"""Amounts in a file are read in the shop's currency: a yen shop's 799 is 799 yen, not 79,900."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import sqlite_file, sqlite_rows
from tests.unit.imports.import_helpers import rejected, run, write_native
from warranty_desk.storage.database import Database


@pytest.fixture
def yen_shop(shop: Database) -> Database:
    with sqlite_file(shop.path) as conn:
        conn.execute("UPDATE shop SET currency = 'JPY', locale = 'ja_JP'")
    return shop


def _row(invoice: str, price: str) -> list[str]:
    return [invoice, "2026-11-20", "CBL-1", "2", price, "", "", "", "", "", ""]


def test_a_yen_price_is_stored_as_whole_yen(yen_shop: Database, tmp_path: Path) -> None:
    run(yen_shop, write_native(tmp_path / "yen.csv", [_row("Y-1", "1500")]))
    stored = sqlite_rows(
        yen_shop.path, "SELECT unit_price_minor FROM invoice_lines")
    assert stored == [(1500,)]


def test_a_yen_price_with_decimals_is_refused(yen_shop: Database, tmp_path: Path) -> None:
    (problem,) = rejected(yen_shop, write_native(tmp_path / "yen.csv", [_row("Y-2", "15.50")]))
    assert (problem.row, problem.column) == (2, "unit_price")
    assert problem.message == ("'15.50' has decimals, but JPY amounts are whole numbers. "
                               "Write it like 1299.")


def test_a_euro_price_keeps_its_cents(shop: Database, tmp_path: Path) -> None:
    run(shop, write_native(tmp_path / "eur.csv", [_row("E-1", "15.50")]))
    stored = sqlite_rows(
        shop.path, "SELECT unit_price_minor FROM invoice_lines")
    assert stored == [(1550,)]
