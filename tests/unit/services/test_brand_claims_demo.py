"""The issue's "done when", on the demo shop: the storekeeper packs three faulty units into a
brand claim and prints its packet, the service centre's CSV moves their status, finance
records a part and then a final settlement, and the recovery report shows the right rate."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from printing.brand_packets import packet_pdf
from tests.conftest import TODAY, sqlite_file, stand_on
from tests.printing.pdf_tools import decode, render, text
from warranty_desk.demo.story import build_demo_shop
from warranty_desk.permissions import Actor
from warranty_desk.services import brand_claims, claims, decisions, returns, staff
from warranty_desk.services import settlements as settle
from warranty_desk.services.activation import record_sale
from warranty_desk.services.brand_claim_views import brand_claim
from warranty_desk.services.brand_packet import packet, packet_csv
from warranty_desk.services.brand_status_import import import_statuses
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.report_registry import build
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

SERIALS = ("VIS55-DONE-1", "VIS55-DONE-2", "VIS55-DONE-3")


@pytest.fixture
def demo(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The demo shop; cheap PIN hashing, since the demo hashes eight PINs."""
    monkeypatch.setattr(staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024,
                                                        parallelism=1))
    build_demo_shop(db)
    return db


def _person(db: Database, name: str, pin: str) -> Actor:
    return staff.sign_in(db, name, pin)


def _sql(db: Database, query: str) -> list[tuple[object, ...]]:
    with sqlite_file(db.path) as conn:
        return conn.execute(query).fetchall()


def _three_faulty_tvs(db: Database, sales: Actor, tech: Actor, store: Actor) -> list[str]:
    """Three Vista TVs sold, brought back faulty, costed by the technician, scanned in."""
    sold = record_sale(db, sales, SaleInput("INV-DONE-1", TODAY - timedelta(days=60), (
        LineInput("VIS-55-TV", 3, 49_900, SERIALS),), CustomerInput("Ravi Kelly",
                                                                     phone="07700 900596")))
    numbers = []
    for code, serial in zip(sold.warranty_codes, SERIALS, strict=True):
        number = claims.start_claim(db, sales, claims.StartClaim(code, "Panel goes dark")).number
        decisions.post_cost(db, tech, number, decisions.CostLine("parts", 4_000, "T-con", True))
        decisions.post_cost(db, tech, number, decisions.CostLine("labour", 2_500, "", True))
        # Carriage is the shop's own under the terms below: never claimed.
        decisions.post_cost(db, tech, number, decisions.CostLine("shipping", 800, "", True))
        returns.receive(db, store, serial)
        numbers.append(number)
    return numbers


def test_the_storekeeper_packs_three_units_and_finance_sees_the_right_recovery_rate(
    demo: Database, tmp_path: Path,
) -> None:
    sales, tech = _person(demo, "Sam Sales", "1111"), _person(demo, "Tariq Tech", "3333")
    store, fin = _person(demo, "Kim Store", "2222"), _person(demo, "Fin Finance", "6666")
    manager = _person(demo, "Maria Manager", "5555")
    numbers = _three_faulty_tvs(demo, sales, tech, store)

    # The storekeeper scans the three units into one brand claim.
    view = brand_claims.open_brand_claim(demo, store, [SERIALS[0]])
    view = brand_claims.add_claims(demo, store, view.number, SERIALS[1:])
    assert [line.claim_number for line in view.lines] == numbers
    assert view.expected_minor == 3 * 6_500
    number = view.number
    view = brand_claims.set_details(demo, store, number, external_id="VDC-55120",
                                    service_centre="Vista Display Care, Leeds")

    # ... and prints its packet: PDF for the parcel, CSV in Vista's columns for its portal.
    pdf = packet_pdf(demo, store, number)
    words = text(pdf)
    assert number in words and all(s in words for s in SERIALS)
    assert "Panel goes dark" in words and "Packed by Kim Store" in words
    (page,) = render(pdf, "brand-packet")
    assert decode(page) == [number]
    found = packet(demo, store, number)
    rows = list(csv.DictReader(io.StringIO(packet_csv(found))))
    assert found.profile.name == "Vista"
    assert [r["Panel Serial"] for r in rows] == list(SERIALS)
    assert {r["Retailer Reference"] for r in rows} == {number}
    assert {r["Vista Claim"] for r in rows} == {"VDC-55120"}
    sold = (TODAY - timedelta(days=60)).strftime("%d.%m.%Y")
    assert {r["Date of Sale"] for r in rows} == {sold} and {r["Claimed"] for r in rows} == {
        "65.00"}

    # The service centre's status file, in its own words, moves the brand claim twice.
    stand_on(demo, TODAY + timedelta(days=3))
    status_file = tmp_path / "vista-status.csv"
    status_file.write_text("Retailer Reference,State,Remark\n"
                           f"{number},Registered,Parcel in\n"
                           f"{number},In workshop,Three panels on the bench\n", encoding="utf-8")
    done = import_statuses(demo, store, status_file)
    assert (done.profile, done.changed, done.brand_claims) == ("Vista", 2, (number,))
    assert brand_claim(demo, fin, number).status == "in_repair"
    approved = tmp_path / "vista-approved.csv"
    approved.write_text(f"Retailer Reference,State\n{number},Approved\n", encoding="utf-8")
    import_statuses(demo, store, approved)

    # Finance records a part payment, then the final credit note £4.50 short, with a reason.
    stand_on(demo, TODAY + timedelta(days=20))
    settle.record_settlement(demo, fin, number, settle.SettlementInput(10_000, "BACS-4411"))
    final = settle.SettlementInput(9_050, "CN-88012", kind="credit_note", final=True,
                                   reason="Vista paid labour at its own rate")
    view = settle.record_settlement(demo, fin, number, final)
    assert (view.approval, view.closed, view.settled_minor) == ("approved", True, 19_050)
    assert [u.source for u in view.updates] == ["csv", "csv", "csv"]

    # The recovery report, against the same rows read independently.
    recoverable = _sql(demo, "SELECT sum(c.amount_minor) FROM cost_postings c "
                             "JOIN brand_claim_items i ON i.claim_id = c.claim_id "
                             f"JOIN brand_claims b ON b.id = i.brand_claim_id "
                             f"WHERE b.number = '{number}' AND c.recoverable = 1 "
                             "AND c.kind IN ('parts', 'labour', 'replacement')")[0][0]
    settled = _sql(demo, "SELECT sum(s.amount_minor) FROM settlements s JOIN brand_claims b "
                         f"ON b.id = s.brand_claim_id WHERE b.number = '{number}'")[0][0]
    assert (recoverable, settled) == (19_500, 19_050)
    report = build(demo, manager, "supplier-recovery", since=date(2026, 1, 1))
    (vista,) = [r for r in report.rows if r[1] == "Vista"]
    assert vista[:7] == ("Vista UK Distribution", "Vista", 1, recoverable, settled, 0,
                         recoverable - settled)
    assert vista[7] == f"{100 * settled / recoverable:.1f}%" == "97.7%"
