"""Consent to reminders in a native import: recorded for the customers who said yes, and a cell
that is neither yes nor no refuses the file, naming it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import sqlite_rows
from tests.unit.imports.import_helpers import NATIVE_HEADER, rejected, run, where, write_native
from warranty_desk.storage.database import Database

HEADER = [*NATIVE_HEADER, "customer_reminders"]


def _row(invoice: str, name: str, phone: str, reminders: str) -> list[str]:
    return [invoice, "2026-11-20", "CBL-1", "1", "15.00", "", "", name, phone, "", "",
            reminders]


def test_yes_records_consent_and_no_or_blank_does_not(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "consent.csv", [
        _row("R-1", "Yes Person", "07700 900111", "Yes"),
        _row("R-2", "No Person", "07700 900222", "no"),
        _row("R-3", "Blank Person", "07700 900333", "")], header=HEADER)
    run(shop, path)
    agreed = dict(sqlite_rows(
        shop.path, "SELECT name, reminders_agreed_at IS NOT NULL FROM customers"))
    assert agreed == {"Yes Person": 1, "No Person": 0, "Blank Person": 0}


def test_a_cell_that_is_neither_yes_nor_no_is_named(shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "maybe.csv", [
        _row("M-1", "Maybe Person", "07700 900444", "maybe")], header=HEADER)
    problems = rejected(shop, path)
    assert where(problems) == {(2, "customer_reminders")}
    assert "'maybe' is neither yes nor no" in problems[0].message
