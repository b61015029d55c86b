"""A service centre's status file: its own columns and words, all rows or none, every bad row
named with its row number and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import actor, sqlite_rows
from tests.unit.services.test_brand_claims import STORE, _claim, _supplier
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.permissions import Role
from warranty_desk.services import brand_claims
from warranty_desk.services.brand_claim_views import brand_claim
from warranty_desk.services.brand_status_import import import_statuses
from warranty_desk.services.imports import ImportRejected
from warranty_desk.storage.database import Database


def _file(tmp_path: Path, text: str, name: str = "centre.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _two(shop: Database) -> tuple[str, str]:
    first = brand_claims.open_brand_claim(shop, STORE, [_claim(shop, "SN-A", "INV-1")],
                                          external_id="LUM-1").number
    second = brand_claims.open_brand_claim(shop, STORE, [_claim(shop, "SN-B", "INV-2")]).number
    return first, second


def test_lumens_file_in_its_own_words_moves_each_brand_claim(
    shop: Database, tmp_path: Path
) -> None:
    first, second = _two(shop)
    path = _file(tmp_path, "Dealer Ref,Repair Status,Engineer Notes\n"
                           f"{first},Booked in,\n{second},On bench,Board swap\n"
                           f"{first},Authorised,OK to credit\n")
    done = import_statuses(shop, STORE, path)
    assert (done.profile, done.rows, done.changed, done.unchanged) == ("Lumen", 3, 3, 0)
    assert done.brand_claims == (first, second)
    view = brand_claim(shop, STORE, first)
    assert [(u.status, u.source, u.origin) for u in view.updates] == [
        ("acknowledged", "csv", "centre.csv row 2"), ("approved", "csv", "centre.csv row 4")]
    assert view.approval == "approved"
    assert brand_claim(shop, STORE, second).updates[0].note == "Board swap"
    again = import_statuses(shop, STORE, path)
    assert again.changed == 0 and again.imported_on is not None
    assert again.summary() == f"centre.csv was already imported on {again.imported_on}; " \
        "nothing was changed."
    assert len(brand_claim(shop, STORE, first).updates) == 2


def test_one_bad_row_refuses_the_whole_file_and_every_bad_row_is_listed(
    shop: Database, tmp_path: Path
) -> None:
    first, second = _two(shop)
    path = _file(tmp_path, "Brand claim,Status,Note\n"
                           f"{first},in_repair,\n"
                           ",approved,\n"
                           "BR01-BC-2026-000777,approved,\n"
                           f"{second},Fixed it,\n"
                           f"{second},,\n")
    with pytest.raises(ImportRejected) as refused:
        import_statuses(shop, STORE, path)
    problems = [(p.row, p.column) for p in refused.value.problems]
    assert problems == [(3, "Brand claim"), (4, "Brand claim"), (5, "Status"), (6, "Status")]
    message = str(refused.value)
    assert message.startswith("Nothing was imported from centre.csv: 4 problem(s)")
    assert "row 4, Brand claim: No brand claim BR01-BC-2026-000777 at this shop" in message
    assert "row 5, Status: 'Fixed it' is no status this till knows. Use one of:" in message
    assert "row 6, Status: No status" in message
    assert brand_claim(shop, STORE, first).status == "submitted"  # row 2 was not applied either
    assert sqlite_rows(
        shop.path, "SELECT count(*) FROM brand_status_updates")[0] == (0,)


def test_the_brands_own_id_names_the_brand_claim_too(shop: Database, tmp_path: Path) -> None:
    first, _ = _two(shop)
    path = _file(tmp_path, "Brand claim,Status\nLUM-1,in_repair\n")
    assert import_statuses(shop, STORE, path).brand_claims == (first,)


def test_a_file_whose_header_no_layout_reads_says_which_columns_each_layout_needs(
    shop: Database, tmp_path: Path
) -> None:
    path = _file(tmp_path, "Ref,Where\nX,in_repair\n")
    with pytest.raises(ImportRejected, match="Lumen: 'Dealer Ref' and 'Repair Status'"):
        import_statuses(shop, STORE, path)
    with pytest.raises(ImportRejected, match="The column 'Dealer Ref' is missing"):
        import_statuses(shop, STORE, path, layout="lumen")
    with pytest.raises(BadInput, match="There is no packet profile 'acme'"):
        import_statuses(shop, STORE, path, layout="acme")


def test_a_supplier_contacts_file_may_move_only_their_own_brand_claims(
    shop: Database, tmp_path: Path
) -> None:
    first, _ = _two(shop)
    orbit = brand_claims.open_brand_claim(
        shop, STORE, [_claim(shop, "SN-P", "INV-3", sku="PHN-200")]).number
    path = _file(tmp_path, f"Brand claim,Status\n{first},in_repair\n{orbit},in_repair\n")
    # Another supplier's brand claim reads as missing: the file learns nothing of it.
    with pytest.raises(ImportRejected, match=f"row 3, Brand claim: No brand claim {orbit} at "
                                             "this shop"):
        import_statuses(shop, _supplier(), path)
    with pytest.raises(PermissionDenied, match="may not enter a brand's status"):
        import_statuses(shop, actor(Role.TECHNICIAN), path)


def test_a_missing_or_too_large_status_file_is_refused_in_plain_words(
    shop: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _second = _two(shop)
    with pytest.raises(BadInput, match=r"Cannot read .*nowhere\.csv.*Check the file name"):
        import_statuses(shop, STORE, tmp_path / "nowhere.csv")
    path = _file(tmp_path, f"Dealer Ref,Repair Status\n{first},Booked in\n")
    monkeypatch.setattr("warranty_desk.services.imports.limits.MAX_FILE_BYTES", 10)
    with pytest.raises(BadInput, match=r"centre\.csv is 55 bytes; .* 10 bytes"):
        import_statuses(shop, STORE, path)
    assert brand_claim(shop, STORE, first).updates == ()
