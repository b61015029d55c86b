"""Imports are all or nothing, once per file, with dry runs and permissions honoured."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, actor, stand_on
from tests.unit.imports.import_helpers import (
    DATA,
    MANAGER,
    counts,
    rejected,
    run,
    where,
    write_native,
)
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.models import AuditEntry, ImportBatch, Sale, Warranty
from warranty_desk.permissions import Role
from warranty_desk.services.imports import import_invoices
from warranty_desk.storage.database import Database

BAD_ROW = 1234
ALLOWED = {Role.ADMIN, Role.MANAGER, Role.OWNER, Role.SYSTEM}


def _big_rows(bad_row: int | None = None) -> list[list[str]]:
    """3,000 rows: 1,500 invoices of a laptop and a cable, 300 repeat customers."""
    rows = []
    for i in range(1500):
        sold = (TODAY - timedelta(days=i % 50)).isoformat()
        person = [f"Customer {i % 300}", f"0170 {i % 300:07d}", "", "retail"]
        rows.append([f"N-{i:05d}", sold, "LAP-100", "1", "899.00", f"GEN-{i:05d}", "", *person])
        rows.append([f"N-{i:05d}", sold, "CBL-1", "1", "15.00", "", "", *person])
    if bad_row is not None:
        rows[bad_row - 2][2] = "LAP-999"
    return rows


def test_one_unknown_sku_in_3000_rows_imports_nothing_and_names_that_row(
        shop: Database, tmp_path: Path) -> None:
    path = write_native(tmp_path / "big.csv", _big_rows(bad_row=BAD_ROW))
    problems = rejected(shop, path)
    assert where(problems) == {(BAD_ROW, "sku")}
    assert "LAP-999" in problems[0].message
    assert counts(shop)["sales"] == 0


def test_the_fixed_3000_row_file_imports_everything_once(shop: Database, tmp_path: Path) -> None:
    rejected(shop, write_native(tmp_path / "big.csv", _big_rows(bad_row=BAD_ROW)))
    fixed = write_native(tmp_path / "big-fixed.csv", _big_rows())
    report = run(shop, fixed)
    assert (report.sales, report.lines, report.warranties, report.already_imported) == (
        1500, 3000, 3000, False)
    after = counts(shop)
    assert (after["sales"], after["warranties"], after["customers"], after["import_batches"]) == (
        1500, 3000, 300, 1)

    again = run(shop, fixed)
    assert again.already_imported is True
    assert (again.sales, again.warranties) == (0, 0)
    assert again.summary().startswith(
        f"big-fixed.csv was already imported on {again.imported_on}")
    assert counts(shop) == after


def test_a_new_file_with_some_recorded_invoices_skips_them(shop: Database, tmp_path: Path) -> None:
    run(shop, write_native(tmp_path / "first.csv", _big_rows()[:20]))
    later = [["N-00099", "2026-11-22", "CBL-1", "2", "15.00", "", "", "", "", "", ""]]
    report = run(shop, write_native(tmp_path / "second.csv", _big_rows()[10:20] + later))
    assert report.skipped_invoices == ("N-00005", "N-00006", "N-00007", "N-00008", "N-00009")
    assert (report.sales, report.warranties) == (1, 2)
    assert counts(shop)["sales"] == 11


def test_a_dry_run_writes_nothing_and_reports_what_the_import_gives(shop: Database) -> None:
    before = counts(shop)
    dry = run(shop, DATA / "native_good.csv", dry_run=True)
    assert counts(shop) == before
    assert dry.dry_run is True and "Nothing was written" in dry.summary()
    real = run(shop, DATA / "native_good.csv")
    assert dataclasses.replace(dry, dry_run=False) == real
    with shop.read() as session:
        first_code = session.scalars(select(Warranty.code).order_by(Warranty.code)).first()
    # The dry run reserved no warranty numbers either.
    assert first_code == "BR01-W-2026-000001"


def test_a_dry_run_of_a_bad_file_is_rejected_like_the_real_import(shop: Database) -> None:
    dry = rejected(shop, DATA / "native_bad.csv", dry_run=True)
    assert dry == rejected(shop, DATA / "native_bad.csv")


def test_a_dry_run_of_an_imported_file_says_it_was_imported(shop: Database) -> None:
    run(shop, DATA / "square_good.csv")
    report = run(shop, DATA / "square_good.csv", dry_run=True)
    assert (report.already_imported, report.dry_run, report.format) == (True, True, "square")


def test_the_import_is_audited_once_with_its_file_and_counts(shop: Database) -> None:
    report = run(shop, DATA / "native_good.csv")
    with shop.read() as session:
        entries = list(session.execute(select(AuditEntry.action, AuditEntry.entity_id,
                                              AuditEntry.details)
                                       .where(AuditEntry.action == "invoices.import")))
        batch_id = session.scalars(select(ImportBatch.id)).one()
        linked = set(session.scalars(select(Sale.import_batch_id)))
    assert len(entries) == 1
    _, entity_id, details = entries[0]
    assert entity_id == batch_id.hex
    assert json.loads(details) == {
        "file": "native_good.csv", "sha256": report.sha256, "format": "native-csv",
        "sales": 4, "warranties": 8, "skipped_invoices": [], "left_out": [], "voided": []}
    assert linked == {batch_id}


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_managers_owners_and_the_command_line_may_import(
        shop: Database, role: Role) -> None:
    who = actor(role)
    before = counts(shop)
    if role in ALLOWED:
        report = import_invoices(shop, who, DATA / "native_good.csv")
        assert report.sales == 4
    else:
        with pytest.raises(PermissionDenied, match="may not import POS invoices"):
            import_invoices(shop, who, DATA / "native_good.csv")
        assert counts(shop) == before


def test_the_report_as_dict_is_stable_json(shop: Database) -> None:
    report = run(shop, DATA / "shopify_good.csv")
    data = report.as_dict()
    assert list(data) == [
        "format", "file_name", "sha256", "sales", "lines", "warranties", "extensions",
        "skipped_invoices", "registration_gaps", "already_imported", "dry_run", "left_out",
        "voided", "refunds", "imported_on", "message"]
    assert json.loads(json.dumps(data)) == data
    assert data["message"] == ("Imported shopify_good.csv: added 3 sales, 7 warranties, "
                               "0 extensions; 1 not paid, refunded or voided left out; 4 units "
                               "still need their serial registered.")


def test_an_empty_file_is_refused_as_unknown(shop: Database, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"\r\n\r\n")
    with pytest.raises(BadInput, match=r"empty\.csv is not a sales file .* It is empty"):
        run(shop, path)


def test_a_missing_file_is_refused_in_plain_words(shop: Database, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"Cannot read .*nowhere\.csv"):
        stand_on(shop, date(2026, 11, 22))
        import_invoices(shop, MANAGER, tmp_path / "nowhere.csv")
