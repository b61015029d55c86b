"""The demo shop and the bulk generator: real services, every state, valid data, repeatable."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from tests.conftest import TODAY, pinned_clock, sqlite_file
from warranty_desk.demo.bulk import generate
from warranty_desk.demo.catalogue import BRAND_CENTRES, gtin13
from warranty_desk.demo.files import pdf_bytes, png_bytes
from warranty_desk.demo.report import DemoReport
from warranty_desk.demo.story import build_demo_shop
from warranty_desk.errors import BadInput
from warranty_desk.models import (
    Claim,
    EvidenceDocument,
    Policy,
    Product,
    Warranty,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor, Role
from warranty_desk.rules.claim_states import ClaimState, next_states
from warranty_desk.rules.evidence import missing_evidence
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services import audit, lookup, setup, staff
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore, sniff
from warranty_desk.storage.home import Home

LOOKUP = Actor.system("test")
STATES = {s.value for s in ClaimState}
OUTCOMES = {"repair", "replace", "refund", "reject"}
TABLES = ("staff", "customers", "sales", "warranties", "warranty_layers", "claims",
          "claim_events", "evidence_documents", "cost_postings", "stock_movements",
          "customer_messages", "outbox_events", "audit_entries", "products", "policies")


@pytest.fixture(autouse=True)
def cheap_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real hasher costs a tenth of a second a PIN; the demo hashes eight of them."""
    monkeypatch.setattr(staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024,
                                                        parallelism=1))


@pytest.fixture
def built(db: Database) -> tuple[Database, DemoReport]:
    """The demo shop, built on a fresh database."""
    return db, build_demo_shop(db)


def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    with sqlite_file(db.path) as conn:
        return conn.execute(sql).fetchall()


def _counts(db: Database) -> dict[str, object]:
    return {t: _rows(db, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Callable[[str], Database]]:
    """New shops of the test's own, by name; their connections closed when the test ends."""
    made: list[Database] = []

    def make(name: str) -> Database:
        database, _ = setup.init(Home(tmp_path / name).ensure(), clock=pinned_clock())
        made.append(database)
        return database

    yield make
    for database in made:
        database.dispose()


def test_the_demo_staff_sign_in_with_the_names_and_pins_the_readme_lists(
        built: tuple[Database, DemoReport]) -> None:
    db, report = built
    assert report.created
    assert [(name, pin) for name, _, pin in report.staff] == [
        ("Sam Sales", "1111"), ("Kim Store", "2222"), ("Tariq Tech", "3333"),
        ("Sue Support", "4444"), ("Maria Manager", "5555"), ("Fin Finance", "6666"),
        ("Olive Owner", "7777"), ("Adam Admin", "8888"), ("Lena Lumen", "9999")]
    for name, role, pin in report.staff:
        assert staff.sign_in(db, name, pin).role is Role(role)
    # One person per role, and a contact of the supplier whose claim is at the manufacturer.
    assert {role for _, role, _ in report.staff} == {r.value for r in Role} - {"system"}
    assert _rows(db, "SELECT name, supplier FROM staff WHERE role = 'supplier'") == [
        ("Lena Lumen", "Lumen UK Distribution")]


def test_the_demo_brand_claim_is_lodged_with_its_brands_service_centre(
        built: tuple[Database, DemoReport]) -> None:
    db, _ = built
    assert _rows(db, "SELECT supplier, service_centre FROM brand_claims") == [
        ("Lumen UK Distribution", BRAND_CENTRES["Lumen"])]


def test_the_demo_shop_has_claims_in_every_state_and_every_outcome(
        built: tuple[Database, DemoReport]) -> None:
    db, report = built
    rows = _rows(db, "SELECT state, outcome, channel FROM claims")
    assert report.claims == len(rows)
    assert {state for state, _, _ in rows} == STATES
    assert {outcome for _, outcome, _ in rows if outcome} == OUTCOMES
    assert {channel for _, _, channel in rows} == {"counter", "portal", "phone", "online_order"}


def test_every_decision_of_the_demo_shop_carries_what_it_needs(
        built: tuple[Database, DemoReport]) -> None:
    db, _ = built
    costs = _rows(db, "SELECT c.outcome, p.kind FROM cost_postings p "
                      "JOIN claims c ON c.id = p.claim_id")
    assert {("repair", "parts"), ("repair", "labour"), ("replace", "replacement"),
            ("refund", "refund")} <= set(costs)
    replace = _rows(db, "SELECT replacement_serial FROM claims WHERE outcome = 'replace'")
    assert replace[0][0] and replace[0][0].startswith("KET17-")
    assert _rows(db, "SELECT refund_reference FROM claims WHERE outcome = 'refund'") == [
        ("POS-R-004512",)]
    reasons = _rows(db, "SELECT decision_reason FROM claims WHERE state = 'rejected'")
    assert len(reasons) == 3 and all(len(str(r[0])) > 30 for r in reasons)


def test_the_demo_shop_has_an_unverified_unknown_sale_and_a_managers_override(
        built: tuple[Database, DemoReport]) -> None:
    db, _ = built
    assert _rows(db, "SELECT proof_status, warranty_id IS NULL FROM claims "
                     "WHERE proof_status != 'not_needed'") == [("unverified", 1)]
    overrides = _rows(db, "SELECT s.name, e.reason FROM claim_events e "
                          "JOIN staff s ON s.id = e.override_by_id")
    assert [name for name, _ in overrides] == ["Maria Manager"]
    audited = _rows(db, "SELECT actor_name, details FROM audit_entries "
                        "WHERE action = 'claim.override'")
    assert audited[0][0] == "Maria Manager" and "Third fan fault" in str(audited[0][1])


def test_every_segment_has_customers_who_bought_something(
        built: tuple[Database, DemoReport]) -> None:
    db, report = built
    segments = _rows(db, "SELECT DISTINCT c.segment FROM customers c "
                         "JOIN sales s ON s.customer_id = c.id")
    assert {s for (s,) in segments} == {"retail", "vip", "business", "reseller"}
    assert 35 <= report.sales <= 45


def test_the_demo_evidence_is_real_files_kept_under_their_hash(
        built: tuple[Database, DemoReport], home: Home) -> None:
    db, _ = built
    store = DocumentStore(home.documents)
    documents = _rows(db, "SELECT sha256, media_type, size FROM evidence_documents")
    assert len(documents) >= 15
    for sha256, media_type, size in documents:
        assert store.verify(str(sha256))
        data = store.open(str(sha256))
        assert sniff(data) == media_type and len(data) == size


def test_the_demo_shops_audit_chain_verifies(built: tuple[Database, DemoReport]) -> None:
    db, _ = built
    with db.read() as session:
        chain = audit.verify(session)
    assert chain.ok, chain.problem
    assert chain.entries > 100


def test_building_the_demo_twice_changes_nothing_the_second_time(
        built: tuple[Database, DemoReport]) -> None:
    db, _ = built
    before = _counts(db)
    again = build_demo_shop(db)
    assert not again.created and "already" in again.message
    assert _counts(db) == before


def test_each_sample_serial_looks_up_to_the_verdict_it_is_labelled_with(
        built: tuple[Database, DemoReport]) -> None:
    db, report = built
    assert report.sample_verdicts.count("in_cover") >= 2
    assert {"expired", "void"} <= set(report.sample_verdicts)
    for serial, verdict in zip(report.sample_serials, report.sample_verdicts, strict=True):
        found = lookup.lookup(db, LOOKUP, serial)
        assert found.outcome == "found", serial
        assert found.matches[0].verdict == verdict, serial


def test_demo_claim_times_lie_in_the_past_and_numbers_rise_with_them(
        built: tuple[Database, DemoReport]) -> None:
    db, _ = built
    with db.read() as session:
        claims = session.scalars(select(Claim).order_by(Claim.number)).all()
        opened = [c.opened_at for c in claims]
        assert opened == sorted(opened)
        assert all(c.opened_at < datetime.combine(TODAY, datetime.min.time(), UTC)
                   for c in claims)
        assert all(c.closed_at is None or c.closed_at > c.opened_at for c in claims)
        assert (TODAY - opened[0].date()).days > 150


def test_the_demo_catalogue_has_valid_gtins_and_serials_that_scan_as_serials(
        built: tuple[Database, DemoReport]) -> None:
    db, _ = built
    with db.read() as session:
        products = session.scalars(select(Product)).all()
        assert 14 <= len(products) <= 16
        assert len({p.brand.name for p in products}) == 5
        assert {p.policy.name for p in products} == {
            "Electronics 12+12", "Appliances 24", "Audio 12+6", "Accessories 6"}
        for product in products:
            assert product.gtin is not None
            assert classify(product.gtin).gtin == product.gtin
        serials = session.scalars(select(Warranty.serial).where(
            Warranty.serial.is_not(None))).all()
    assert all(classify(str(s)).kind is ScanKind.SERIAL for s in serials)


def test_the_demo_shop_is_the_same_for_the_same_seed(
        fresh: Callable[[str], Database]) -> None:
    first, second = fresh("a"), fresh("b")
    build_demo_shop(first, seed=3)
    build_demo_shop(second, seed=3)
    sql = "SELECT code, serial, start_on, end_on FROM warranties ORDER BY code"
    assert _rows(first, sql) == _rows(second, sql)


# --- The bulk generator ------------------------------------------------------------------------


def _generated(db: Database, warranties: int = 3000, seed: int = 11) -> DemoReport:
    return generate(db, warranties=warranties, seed=seed)


def test_generate_makes_exactly_the_warranties_asked_for_with_customers_and_claims(
        db: Database) -> None:
    report = _generated(db)
    assert _rows(db, "SELECT count(*) FROM warranties") == [(3000,)]
    assert report.warranties == 3000
    customers = _rows(db, "SELECT count(*) FROM customers")[0][0]
    assert customers == report.customers and 540 <= int(str(customers)) <= 660
    claims = _rows(db, "SELECT count(*) FROM claims")[0][0]
    assert claims == report.claims and 270 <= int(str(claims)) <= 330


def test_generated_claims_reach_every_state_and_outcome(db: Database) -> None:
    _generated(db)
    states = Counter(state for (state,) in _rows(db, "SELECT state FROM claims"))
    assert set(states) == STATES
    assert states["resolved"] > states["received"]
    assert {o for (o,) in _rows(db, "SELECT DISTINCT outcome FROM claims") if o} == OUTCOMES


def test_generated_claim_timelines_follow_the_state_machine(db: Database) -> None:
    _generated(db)
    with db.read() as session:
        for claim in session.scalars(select(Claim)):
            moves = [e for e in claim.events if e.kind == "status"]
            assert claim.events[0].kind == "opened"
            state = ClaimState.RECEIVED
            for move in moves:
                assert move.from_state == state.value
                target = ClaimState(move.to_state)
                assert target in next_states(state), (claim.number, state, target)
                state = target
            assert state.value == claim.state
            assert (claim.closed_at is not None) == (claim.state in ("resolved", "rejected"))


def test_generated_claims_past_review_hold_the_evidence_their_policy_asks_for(
        db: Database) -> None:
    _generated(db)
    checked = 0
    with db.read() as session:
        rows = session.execute(select(Claim, Policy).join(Product, Product.id == Claim.product_id)
                               .join(Policy, Policy.id == Product.policy_id))
        for claim, policy in rows:
            if not any(e.to_state == "inspecting" for e in claim.events):
                continue
            attached = set(session.scalars(select(EvidenceDocument.kind).where(
                EvidenceDocument.claim_id == claim.id)))
            assert not missing_evidence(policy.evidence_required, claim.claim_type, attached)
            checked += 1
    assert checked > 100


def test_generated_rows_read_back_through_the_models(db: Database) -> None:
    _generated(db)
    with db.read() as session:
        claim = session.scalars(select(Claim).where(Claim.outcome == "replace")).first()
        assert claim is not None and claim.opened_at.tzinfo is UTC
        new = session.get_one(Warranty, claim.replacement_warranty_id)
        old = session.get_one(Warranty, claim.warranty_id)
        assert new.replaces_id == old.id and new.serial == claim.replacement_serial
        assert old.status is WarrantyStatus.VOID and claim.number in (old.void_reason or "")
        assert new.layers and new.start_on >= old.start_on


def test_generate_is_the_same_for_the_same_seed(fresh: Callable[[str], Database]) -> None:
    first, second = fresh("a"), fresh("b")
    _generated(first, seed=5)
    _generated(second, seed=5)
    sql = "SELECT code, serial, status FROM warranties ORDER BY code"
    assert _rows(first, sql) == _rows(second, sql)
    claims = "SELECT number, state, outcome, serial FROM claims ORDER BY number"
    assert _rows(first, claims) == _rows(second, claims)
    other = fresh("c")
    _generated(other, seed=6)
    assert _rows(other, sql) != _rows(first, sql)


def test_the_audit_chain_stays_valid_after_generating(db: Database) -> None:
    _generated(db)
    with db.read() as session:
        chain = audit.verify(session)
    assert chain.ok, chain.problem
    actions = Counter(a for (a,) in _rows(db, "SELECT action FROM audit_entries"))
    assert actions["demo.sales"] >= 1 and actions["demo.claims"] >= 1


def test_search_finds_a_generated_customer_by_name(db: Database) -> None:
    _generated(db)
    ((name,),) = _rows(db, "SELECT name FROM customers WHERE segment = 'retail' "
                           "ORDER BY reference LIMIT 1 OFFSET 17")
    found = lookup.lookup(db, LOOKUP, str(name))
    assert found.outcome in ("found", "several")
    assert {m.customer_name for m in found.matches} == {name}


def test_generated_serials_are_unique_and_sample_serials_give_their_verdicts(
        db: Database) -> None:
    report = _generated(db)
    ((total, distinct),) = _rows(db, "SELECT count(serial), count(DISTINCT serial) "
                                     "FROM warranties")
    assert total == distinct and int(str(total)) > 2000
    assert report.sample_verdicts == ("in_cover", "expired", "void")
    for serial, verdict in zip(report.sample_serials, report.sample_verdicts, strict=True):
        assert lookup.lookup(db, LOOKUP, serial).matches[0].verdict == verdict


def test_generating_again_adds_more_and_every_number_continues(built: tuple[Database,
                                                                     DemoReport]) -> None:
    db, report = built
    _generated(db, warranties=800)
    _generated(db, warranties=700)
    assert _rows(db, "SELECT count(*) FROM warranties")[0][0] == report.warranties + 1500
    for sql in ("SELECT count(serial) - count(DISTINCT serial) FROM warranties",
                "SELECT count(*) - count(DISTINCT invoice_number) FROM sales",
                "SELECT count(*) - count(DISTINCT phone) FROM customers"):
        assert _rows(db, sql) == [(0,)], sql
    with db.read() as session:
        assert audit.verify(session).ok


def test_progress_is_reported_up_to_the_total(db: Database) -> None:
    seen: list[tuple[int, int]] = []
    generate(db, warranties=12_000, seed=1,
                  progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 3
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (13_200, 13_200)


@pytest.mark.parametrize("warranties", [0, -5, 5_000_001])
def test_generate_refuses_a_size_it_cannot_make(db: Database, warranties: int) -> None:
    with pytest.raises(BadInput):
        generate(db, warranties=warranties, seed=1)
    assert _rows(db, "SELECT count(*) FROM warranties") == [(0,)]


def test_demo_gtins_carry_the_gs1_check_digit() -> None:
    assert gtin13("400638133393") == "4006381333931"
    assert gtin13("506012345001")[-1].isdigit()
    with pytest.raises(ValueError):
        gtin13("12345")


def test_demo_files_are_a_real_png_and_a_real_pdf() -> None:
    png = png_bytes(8, 6, (10, 20, 30), seed=1)
    pdf = pdf_bytes("Receipt", ["Line (one)"])
    assert sniff(png) == "image/png" and sniff(pdf) == "application/pdf"
    offset = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[offset:offset + 4] == b"xref"


def test_the_demo_shop_is_one_uk_shop_pounds_british_english_and_uk_phones(
    built: tuple[Database, DemoReport]
) -> None:
    db, _report = built
    conn = sqlite3.connect(db.path)
    try:
        currency, locale, phone = conn.execute(
            "SELECT currency, locale, phone FROM shop").fetchone()
        phones = [row[0] for row in conn.execute("SELECT phone FROM customers WHERE phone != ''")]
    finally:
        conn.close()
    assert (currency, locale) == ("GBP", "en_GB")
    assert phone.startswith("+44")
    assert phones and all(p.startswith("+44") for p in phones)
