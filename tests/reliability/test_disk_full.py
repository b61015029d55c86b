"""A disk that fills up mid-import or mid-claim: a plain message, nothing half-saved, and the same
action succeeds once there is room again (max_page_count stands in for the full disk)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import actor
from tests.reliability.disk import disk_full, integrity, table_digest
from tests.reliability.figures import report
from tests.soak import rounds
from tests.unit.imports.import_helpers import write_native
from warranty_desk.errors import DiskFull
from warranty_desk.permissions import Role
from warranty_desk.services import claim_detail, claims
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.imports import import_invoices
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

MANAGER, SALES = actor(Role.MANAGER), actor(Role.SALES)


def _rows(invoices: int, first: int = 0) -> list[list[str]]:
    return [[f"INV-DF-{n:05d}", "2026-11-02", "LAP-100", "1", "899.00", f"DF-{n:05d}", ""]
            for n in range(first, first + invoices)]


def assert_plain_disk_full(exc: DiskFull, db: Database) -> None:
    """What happened, that nothing was saved, what to do: in words, no SQL."""
    said = str(exc)
    assert "disk" in said and "full" in said
    assert "Nothing" in said and "saved" in said
    assert "Free some space" in said and str(db.path.parent) in said
    assert "sqlite" not in said.lower() and "SQL" not in said


@pytest.mark.soak
@pytest.mark.parametrize("room", [0, 3, 40])
def test_an_import_that_fills_the_disk_saves_nothing_and_succeeds_once_there_is_room(
    shop: Database, tmp_path: Path, room: int,
) -> None:
    for case in range(rounds(1)):
        path = write_native(tmp_path / f"sales-{case}.csv", _rows(400, first=case * 400))
        before = table_digest(shop.path)
        with disk_full(shop, room=room), pytest.raises(DiskFull) as refused:
            import_invoices(shop, MANAGER, path)
        assert_plain_disk_full(refused.value, shop)
        shop.dispose()
        assert integrity(shop.path) == []
        assert table_digest(shop.path) == before
        done = import_invoices(shop, MANAGER, path)
        assert done.warranties == 400 and not done.already_imported
        report(f"disk full mid-import of 400 sales ({room} pages of room): refused in words, "
               "nothing of it kept, imported once there was room")


@pytest.mark.soak
def test_claims_that_fill_the_disk_save_nothing_and_succeed_once_there_is_room(
    shop: Database,
) -> None:
    count = 150
    sale = record_sale(shop, SALES, SaleInput(
        "INV-DF-CLAIM", date(2026, 11, 1),
        (LineInput("PHN-200", count, 49_900, tuple(f"DFC-{n}" for n in range(count)), None),),
        CustomerInput("Ada Lovelace", phone="+44 20 7946 0002")))
    codes = iter(sale.warranty_codes)
    # Claims go on until the disk is full: each one before it is saved and there, the one that
    # found it full is not there at all, and goes through as it was once there is room.
    for _ in range(rounds(3)):
        opened: list[str] = []
        with disk_full(shop):
            while True:
                data = claims.StartClaim(next(codes), "Screen stays dark after charging")
                before = table_digest(shop.path)
                try:
                    opened.append(claims.start_claim(shop, SALES, data).number)
                except DiskFull as refused:
                    assert_plain_disk_full(refused, shop)
                    break
        report(f"disk full after {len(opened)} claims saved: refused in words, nothing of it "
               "kept, saved once there was room")
        shop.dispose()
        assert integrity(shop.path) == []
        assert table_digest(shop.path) == before
        assert all(claim_detail.claim_detail(shop, SALES, n).number == n for n in opened)
        assert claims.start_claim(shop, SALES, data).number not in opened
