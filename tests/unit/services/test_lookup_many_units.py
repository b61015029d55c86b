"""A phone with many units: each unit once, with the same verdict a scan of it alone gives."""

from __future__ import annotations

from datetime import date

from tests.conftest import actor
from tests.unit.services.helpers import sell
from warranty_desk.money import MoneyFormat
from warranty_desk.permissions import Role
from warranty_desk.services import activation, claims
from warranty_desk.services.lookup import lookup
from warranty_desk.services.lookup_rows import padded
from warranty_desk.storage.database import Database
from warranty_desk.views import to_jsonable

SALES = actor(Role.SALES)


def test_an_in_list_is_padded_to_a_power_of_two_with_its_own_keys() -> None:
    for count, size in ((0, 0), (1, 1), (2, 2), (3, 4), (5, 8), (9, 16), (33, 64), (50, 64)):
        keys = [bytes([n]) for n in range(count)]
        listed = padded(keys)
        assert len(listed) == size and listed[:count] == keys and set(listed) == set(keys)


def test_every_unit_of_a_phone_is_listed_once_with_the_verdict_its_own_scan_gives(
    shop: Database,
) -> None:
    # Five units (three lengths of IN list pad to eight), one void, one claimed, two sales.
    sell(shop, "INV-A", serials=("SN-A-1", "SN-A-2", "SN-A-3"), sold_on=date(2026, 2, 1))
    sell(shop, "INV-B", serials=("SN-B-1", "SN-B-2"), extension="Care 12")
    void = lookup(shop, SALES, "SN-A-2").matches[0].warranty_code
    activation.void_warranty(shop, actor(Role.MANAGER), void, "Returned")
    claimed = lookup(shop, SALES, "SN-B-2").matches[0].warranty_code
    number = claims.start_claim(shop, SALES, claims.StartClaim(claimed, "No picture")).number

    found = lookup(shop, SALES, "+44 20 7946 0958")

    assert found.outcome == "several" and "5 units" in found.message
    serials = [v.serial for v in found.matches]
    assert sorted(serials) == ["SN-A-1", "SN-A-2", "SN-A-3", "SN-B-1", "SN-B-2"]
    for v in found.matches:
        assert v == lookup(shop, SALES, str(v.serial)).matches[0]
    by_serial = {v.serial: v for v in found.matches}
    assert by_serial["SN-A-2"].verdict == "void"
    assert by_serial["SN-B-2"].open_claim == number
    assert [layer.kind for layer in by_serial["SN-B-1"].layers][-1] == "extension"


def test_a_verdict_leaves_as_json_with_its_field_names(shop: Database) -> None:
    sell(shop, "INV-J", serials=("SN-J-1",))
    verdict = lookup(shop, SALES, "SN-J-1").matches[0]
    out = to_jsonable(verdict, money=MoneyFormat("GBP", "en_GB"))
    assert out["serial"] == "SN-J-1" and out["sold_on"] == "2026-11-01"
    assert out["layers"][0] == {"kind": "manufacturer", "start_on": "2026-11-01",
                                "end_on": verdict.layers[0].end_on.isoformat(), "plan": None}
    assert out["extension_offers"] and all("price_major" in o for o in out["extension_offers"])
