"""Handing a claim's unit back through the real services: the record, each refusal, the audit,
the event head office gets."""

from __future__ import annotations

import json

import pytest

from tests.conftest import TODAY, actor, sqlite_rows
from tests.unit.services.helpers import inspect, sell
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import claims, decisions, returns
from warranty_desk.services import hand_back as hb
from warranty_desk.storage.database import Database

SALES, TECH, MANAGER, STORE = (actor(Role.SALES, "Sam Sales"), actor(Role.TECHNICIAN),
                               actor(Role.MANAGER), actor(Role.STOREKEEPER, "Kim Store"))
# A real PNG header of a 300x100 picture is all the service reads of a signature.
SIGNATURE = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (300).to_bytes(4, "big")
             + (100).to_bytes(4, "big") + b"\x08\x00\x00\x00\x00" + b"\x00" * 40)


def _claim(db: Database, serial: str, invoice: str, *, channel: str = "counter",
           accessories: str = "Charger, case and box") -> str:
    code = sell(db, invoice, serials=(serial,)).warranty_codes[0]
    return claims.start_claim(db, SALES, claims.StartClaim(
        code, "Dead on power-up", channel=channel, accessories=accessories,
        condition="Scratch on the lid")).number


def _decide(db: Database, number: str, outcome: Outcome, **more: object) -> None:
    inspect(db, number)
    decisions.decide(db, MANAGER, number, decisions.Decision(outcome, "Checked", **more))  # type: ignore[arg-type]


def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    return sqlite_rows(db.path, sql)


def _paper(number: str, serial: str, **more: object) -> hb.HandBackRequest:
    fields: dict[str, object] = {"accessories": ("Charger", "case", "box"),
                                 "condition": "As received, works", "signed_on_paper": True}
    fields.update(more)
    return hb.HandBackRequest(number, serial, **fields)  # type: ignore[arg-type]


def test_a_repaired_unit_goes_back_with_who_to_whom_and_a_signature(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0001", "INV-1")
    _decide(shop, number, Outcome.REPAIR)
    due = hb.due(shop, SALES, number)
    assert (due.unit, due.intake_accessories, due.customer_name) == (
        "unit", ("Charger", "case", "box"), "Ada Lovelace")
    done = hb.hand_back(shop, SALES, hb.HandBackRequest(
        number, " sn-lap-0001 ", accessories=("charger", "Case"),
        condition="Repaired, screen intact", signature_png=SIGNATURE))
    assert (done.number, done.serial, done.handed_by, done.collected_by) == (
        "BR01-HB-2026-000001", "SN-LAP-0001", "Sam Sales", "Ada Lovelace")
    assert done.accessories == ("Charger", "case") and done.accessories_missing == ("box",)
    assert done.confirmation == "signature" and done.signature_png == SIGNATURE
    assert hb.record(shop, STORE, number) == done
    [(reason,)] = _rows(shop, "SELECT reason FROM claim_events WHERE kind = 'handed_back'")
    assert "to Ada Lovelace by Sam Sales (receipt BR01-HB-2026-000001, signed on screen)" in str(
        reason)
    [(details,)] = _rows(shop, "SELECT details FROM audit_entries WHERE action='claim.hand_back'")
    audit = json.loads(str(details))
    assert audit["collected_by"] == "Ada Lovelace" and audit["handed_by"] == "Sam Sales"
    assert len(audit["signature_sha256"]) == 64 and "signature_png" not in audit
    [(payload,)] = _rows(shop, "SELECT payload FROM outbox_events "
                               "WHERE topic = 'claim.handed_back'")
    sent = json.loads(str(payload))
    assert sent["receipt"] == "BR01-HB-2026-000001" and sent["confirmation"] == "signature"
    assert sent["accessories_missing"] == ["box"] and sent["on_behalf"] is False
    assert sent["at"].startswith(f"{TODAY.isoformat()}T")


def test_a_rejected_unit_goes_back_unrepaired_on_a_signed_paper_receipt(shop: Database
                                                                        ) -> None:
    number = _claim(shop, "SN-LAP-0002", "INV-2")
    claims.advance(shop, TECH, number, ClaimState.REVIEWING)
    decisions.decide(shop, MANAGER, number, decisions.Decision(Outcome.REJECT, "Liquid damage"))
    done = hb.hand_back(shop, SALES, _paper(number, "SN-LAP-0002"))
    assert done.confirmation == "paper" and done.signature_png is None
    assert done.accessories_missing == ()


def test_a_unit_handed_back_cannot_be_handed_back_twice(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0003", "INV-3")
    _decide(shop, number, Outcome.REPAIR)
    hb.hand_back(shop, SALES, _paper(number, "SN-LAP-0003"))
    with pytest.raises(RuleBlocked) as refused:
        hb.hand_back(shop, STORE, _paper(number, "SN-LAP-0003"))
    assert "already handed back" in str(refused.value)
    assert "by Sam Sales to Ada Lovelace (receipt BR01-HB-2026-000001)" in str(refused.value)
    with pytest.raises(RuleBlocked):
        hb.due(shop, SALES, number)
    assert _rows(shop, "SELECT count(*) FROM hand_backs") == [(1,)]


def test_a_serial_that_is_not_the_claims_unit_is_refused_in_plain_words(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0004", "INV-4")
    _decide(shop, number, Outcome.REPAIR)
    with pytest.raises(BadInput) as refused:
        hb.hand_back(shop, SALES, _paper(number, "SN-LAP-9999"))
    assert str(refused.value) == (
        f"The scanned serial SN-LAP-9999 is not the unit of claim {number}. Check you picked "
        "up the right unit, then scan its serial again.")
    with pytest.raises(BadInput, match="Scan the serial of the unit"):
        hb.hand_back(shop, SALES, _paper(number, "  "))
    assert _rows(shop, "SELECT count(*) FROM hand_backs") == [(0,)]
    assert _rows(shop, "SELECT count(*) FROM outbox_events WHERE topic='claim.handed_back'"
                 ) == [(0,)]


def test_a_replacement_goes_back_by_its_own_serial_never_the_faulty_one(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0005", "INV-5")
    returns.receive(shop, STORE, number)
    _decide(shop, number, Outcome.REPLACE, replacement_serial="SN-LAP-0505")
    assert hb.due(shop, STORE, number).unit == "replacement"
    with pytest.raises(BadInput) as refused:
        hb.hand_back(shop, STORE, _paper(number, "SN-LAP-0005"))
    assert "SN-LAP-0005 is the faulty unit" in str(refused.value)
    done = hb.hand_back(shop, STORE, _paper(number, "SN-LAP-0505"))
    assert (done.unit, done.serial) == ("replacement", "SN-LAP-0505")
    assert ("replacement_out", "SN-LAP-0505") in _rows(
        shop, "SELECT kind, serial FROM stock_movements")
    topics = [t for (t,) in _rows(shop, "SELECT topic FROM outbox_events")]
    assert "claim.replacement_handed_over" in topics and "claim.handed_back" in topics
    # The faulty unit stays in returns stock for the supplier.
    assert [u.claim_number for u in returns.returns_stock(shop, STORE)] == [number]
    with pytest.raises(RuleBlocked, match="already handed over"):
        returns.issue_replacement(shop, STORE, number, "SN-LAP-0505")


def test_a_unit_received_into_returns_stock_leaves_it_when_handed_back(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0006", "INV-6")
    returns.receive(shop, STORE, number)
    _decide(shop, number, Outcome.REPAIR)
    hb.hand_back(shop, STORE, _paper(number, "SN-LAP-0006"))
    assert returns.returns_stock(shop, STORE) == ()
    assert _rows(shop, "SELECT kind, reference FROM stock_movements ORDER BY at") == [
        ("return_in", number), ("handed_back", "BR01-HB-2026-000001")]


@pytest.mark.parametrize(("setup", "words"), [
    ("open", "is still open (received): its unit goes back once the claim is decided"),
    ("refund", "was refunded: the unit stays with the shop"),
    ("portal", "The shop does not hold the unit of claim"),
    ("supplier", "is with the supplier"),
])
def test_a_claim_whose_unit_the_shop_does_not_hold_says_so(shop: Database, setup: str,
                                                           words: str) -> None:
    number = _claim(shop, "SN-LAP-0007", "INV-7",
                    channel="portal" if setup == "portal" else "counter")
    if setup == "refund":
        _decide(shop, number, Outcome.REFUND, refund_minor=1000, refund_reference="R-1")
    elif setup == "portal":
        _decide(shop, number, Outcome.REPAIR)
    elif setup == "supplier":
        returns.receive(shop, STORE, number)
        batch = returns.create_batch(shop, STORE, "Lumen", [number])
        returns.mark_sent(shop, STORE, batch)
        _decide(shop, number, Outcome.REPAIR)
    with pytest.raises(RuleBlocked) as refused:
        hb.hand_back(shop, SALES, _paper(number, "SN-LAP-0007"))
    assert words in str(refused.value)


def test_someone_collecting_for_the_customer_is_named_with_their_proof(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0008", "INV-8")
    _decide(shop, number, Outcome.REPAIR)
    with pytest.raises(BadInput, match="Grace Hopper is collecting for Ada Lovelace: write how"):
        hb.hand_back(shop, SALES, _paper(number, "SN-LAP-0008", collector="Grace  Hopper"))
    done = hb.hand_back(shop, SALES, _paper(number, "SN-LAP-0008", collector="Grace Hopper",
                                            collector_proof="ID shown and the claim ticket"))
    assert (done.collected_by, done.on_behalf_proof) == ("Grace Hopper",
                                                         "ID shown and the claim ticket")


@pytest.mark.parametrize(("change", "words"), [
    ({"condition": " "}, "Say the unit's condition"),
    ({"accessories": ("Mouse",)}, "'Mouse' was not taken in"),
    ({"signed_on_paper": False}, "Choose how the customer confirms"),
    ({"signature_png": SIGNATURE}, "Choose how the customer confirms"),
    ({"signature_png": b"GIF89a not a png", "signed_on_paper": False}, "could not be read"),
    ({"signature_png": SIGNATURE + b"\x00" * hb.MAX_SIGNATURE_BYTES, "signed_on_paper": False},
     "a signature is at most 64 KB"),
])
def test_a_hand_back_missing_something_is_refused_and_nothing_is_kept(
        shop: Database, change: dict[str, object], words: str) -> None:
    number = _claim(shop, "SN-LAP-0009", "INV-9")
    _decide(shop, number, Outcome.REPAIR)
    with pytest.raises(BadInput, match=words):
        hb.hand_back(shop, SALES, _paper(number, "SN-LAP-0009", **change))
    assert _rows(shop, "SELECT count(*) FROM hand_backs") == [(0,)]
    assert _rows(shop, "SELECT count(*) FROM audit_entries WHERE action='claim.hand_back'"
                 ) == [(0,)]


def test_only_counter_staff_hand_units_back(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0010", "INV-10")
    _decide(shop, number, Outcome.REPAIR)
    with pytest.raises(PermissionDenied):
        hb.hand_back(shop, actor(Role.FINANCE), _paper(number, "SN-LAP-0010"))


def test_intake_accessories_are_read_as_a_list_to_tick() -> None:
    assert hb.intake_accessories("Charger, case & box; strap") == (
        "Charger", "case", "box", "strap")
    assert hb.intake_accessories("charger and Charger") == ("charger",)
    assert hb.intake_accessories("") == () and hb.intake_accessories("none") == ()
