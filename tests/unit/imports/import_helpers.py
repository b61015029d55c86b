"""Shared helpers for the import tests: fixture paths, table counts, running an import."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import actor
from warranty_desk.permissions import Role
from warranty_desk.services.imports import ImportRejected, ImportReport, import_invoices
from warranty_desk.services.sale_input import Problem
from warranty_desk.storage.database import Database

DATA = Path(__file__).resolve().parents[2] / "data" / "imports"
MANAGER = actor(Role.MANAGER)
NATIVE_HEADER = ["invoice_number", "sold_on", "sku", "quantity", "unit_price", "serials",
                 "extension_plan", "customer_name", "customer_phone", "customer_email",
                 "customer_segment"]
TABLES = ("sales", "invoice_lines", "warranties", "warranty_layers", "extension_offers",
          "customers", "import_batches", "outbox_events", "audit_entries")


def counts(db: Database) -> dict[str, int]:
    """Rows in every table an import writes, read straight from the SQLite file."""
    conn = sqlite3.connect(db.path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def run(db: Database, path: Path, **options: object) -> ImportReport:
    """Import a file as the warranty manager on the conftest's today."""
    return import_invoices(db, MANAGER, path, **options)  # type: ignore[arg-type]


def rejected(db: Database, path: Path, **options: object) -> list[Problem]:
    """Import a file that must be refused; checks nothing was written and returns the problems."""
    before = counts(db)
    with pytest.raises(ImportRejected) as caught:
        run(db, path, **options)
    assert counts(db) == before
    return list(caught.value.problems)


def where(problems: list[Problem]) -> set[tuple[int | None, str]]:
    """The (row, column) of every problem."""
    return {(p.row, p.column) for p in problems}


def write_native(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    """A native CSV from rows of cells, with the standard header unless one is given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header or NATIVE_HEADER)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path
