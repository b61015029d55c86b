"""Head office hears of every brand claim change: opened, claims added, the brand's id and
centre, each status (typed, imported or from head office), settlements and write-offs."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import sqlite_rows
from tests.unit.services.test_brand_claims import FINANCE, MANAGER, STORE, _claim
from warranty_desk.services import brand_claims
from warranty_desk.services import settlements as settle
from warranty_desk.storage.database import Database


def _events(db: Database) -> list[tuple[str, str, dict[str, Any]]]:
    rows = sqlite_rows(
        db.path,
        "SELECT topic, aggregate_id, payload FROM outbox_events WHERE topic LIKE 'brand_claim.%' "
        "ORDER BY seq")
    return [(t, k, json.loads(p)) for t, k, p in rows]


def test_each_change_of_a_brand_claim_goes_to_head_office_with_the_claim_as_it_now_is(
    shop: Database,
) -> None:
    a = _claim(shop, "SN-A", "INV-1")
    b = _claim(shop, "SN-B", "INV-2", costs=(("parts", 3_000, True),))
    view = brand_claims.open_brand_claim(shop, STORE, [a])
    brand_claims.add_claims(shop, STORE, view.number, [b])
    brand_claims.set_details(shop, STORE, view.number, external_id="LUM-9",
                             service_centre="Lumen Care Leeds")
    brand_claims.update_status(shop, STORE, view.number, "approved", note="ok by phone")
    settle.record_settlement(shop, FINANCE, view.number, settle.SettlementInput(
        4_000, "REM-1", kind="credit_note"))
    settle.write_off(shop, MANAGER, view.number, "Brand paid part only")
    found = _events(shop)
    assert [t for t, _, _ in found] == [
        "brand_claim.opened", "brand_claim.claims_added", "brand_claim.details_set",
        "brand_claim.status_changed", "brand_claim.settled", "brand_claim.written_off"]
    assert {k for _, k, _ in found} == {view.number}
    opened, added, details, status, settled, written = (p for _, _, p in found)
    assert opened["claims"] == [a] and opened["expected_minor"] == 4_000
    assert added["claims"] == [a, b] and added["added"] == [b]
    assert added["expected_minor"] == 7_000 and added["currency"] == "EUR"
    assert (details["external_id"], details["service_centre"]) == ("LUM-9", "Lumen Care Leeds")
    assert (status["from_status"], status["status"], status["source"], status["note"],
            status["approval"]) == ("submitted", "approved", "desk", "ok by phone", "approved")
    assert (settled["amount_minor"], settled["kind"], settled["reference"],
            settled["settled_minor"], settled["final"], settled["closed"]) == (
        4_000, "credit_note", "REM-1", 4_000, False, False)
    assert (written["amount_minor"], written["written_off_minor"], written["closed"]) == (
        3_000, 3_000, True)
