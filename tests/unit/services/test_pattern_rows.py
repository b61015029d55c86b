"""The patterns read from a shop's database for a range and filters, against the same patterns
worked out here from the claims and events read straight from the file."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest

from tests.conftest import TODAY, actor, stand_on
from tests.unit.services.helpers import execute as _sql
from tests.unit.services.helpers import rows, sell
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.permissions import Role
from warranty_desk.rules.metrics.patterns import CUSTOMER, FAULT, MODEL, OVERRIDES, SERIAL
from warranty_desk.services import catalogue as cat
from warranty_desk.services import claims, staff
from warranty_desk.services.pattern_rows import load_pattern_rows, patterns
from warranty_desk.storage.database import Database

SALES, OWNER, VIEWER = actor(Role.SALES), actor(Role.OWNER), actor(Role.FINANCE)
SINCE = TODAY - timedelta(days=30)


@pytest.fixture
def story(shop: Database) -> dict[str, list[str]]:
    """Six Lumen 14 laptops sold and each claimed "will not charge"; sixty Lumen 16 with one
    claim; two claims later given the same serial; one claim opened before the range."""
    cat.add_products(shop, OWNER, [cat.ProductInput(
        sku="LAP-200", name="Lumen 16 Laptop", brand="Lumen", category="laptops",
        policy="Electronics 12+12", list_price_minor=99_900)])
    stand_on(shop, TODAY - timedelta(days=60))
    small = sell(shop, "INV-1", sku="LAP-100", serials=tuple(f"SN-A-{n}" for n in range(6)),
                 sold_on=TODAY - timedelta(days=60)).warranty_codes
    big = sell(shop, "INV-2", sku="LAP-200", serials=tuple(f"SN-B-{n}" for n in range(60)),
               sold_on=TODAY - timedelta(days=60)).warranty_codes
    stand_on(shop, SINCE - timedelta(days=5))
    before = [claims.start_claim(shop, SALES, claims.StartClaim(big[1], "Will not charge")).number]
    stand_on(shop, TODAY - timedelta(days=3))
    faults = ("Will not charge", " will NOT charge", "Will not charge", "Will not charge",
              "Will not charge", "Will not charge")
    lumen14 = [claims.start_claim(shop, SALES, claims.StartClaim(code, fault)).number
               for code, fault in zip(small, faults, strict=True)]
    lumen16 = [claims.start_claim(shop, SALES, claims.StartClaim(big[0], "Cracked")).number]
    # The same unit came back under a claim typed with its serial again.
    _sql(shop, "UPDATE claims SET serial = 'SN-B-0' WHERE number = ?", lumen14[5])
    stand_on(shop, TODAY)
    return {"before": before, "lumen14": lumen14, "lumen16": lumen16}


def _claims_in_range(db: Database) -> list[tuple[str, str | None, str | None, str, str]]:
    start = datetime.combine(SINCE, datetime.min.time()).isoformat(" ")
    return [(str(n), s if s is None else str(s), c if c is None else bytes(c).hex(),
             str(sku), str(f))
            for n, s, c, sku, f in rows(db, """
        SELECT c.number, c.serial, c.customer_id, p.sku, c.fault FROM claims c
        JOIN products p ON p.id = c.product_id WHERE c.opened_at >= ?""", start)]


def test_patterns_match_those_worked_out_from_the_file(
        shop: Database, story: dict[str, list[str]]) -> None:
    found = patterns(shop, VIEWER, since=SINCE, until=TODAY)
    got: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
    for p in found:
        got[p.kind][p.subject] = p.claims
    # Worked out here: serials twice or more, customers three times, model and fault three.
    claimed = _claims_in_range(shop)
    by_serial: dict[str, list[str]] = defaultdict(list)
    by_customer: dict[str, list[str]] = defaultdict(list)
    by_fault: dict[tuple[str, str], list[str]] = defaultdict(list)
    for number, serial, customer, sku, fault in claimed:
        if serial:
            by_serial[serial].append(number)
        if customer:
            by_customer[customer].append(number)
        by_fault[(sku, fault.strip().lower())].append(number)
    assert got[SERIAL] == {s: tuple(sorted(n)) for s, n in by_serial.items() if len(n) >= 2}
    assert got[SERIAL] == {"SN-B-0": tuple(sorted([story["lumen14"][5], *story["lumen16"]]))}
    assert list(got[CUSTOMER].values()) == [
        tuple(sorted(n)) for n in by_customer.values() if len(n) >= 3]
    assert list(got[CUSTOMER]) == ["Ada Lovelace"]
    assert got[FAULT] == {f"{sku}: Will not charge": tuple(sorted(n))
                          for (sku, _f), n in by_fault.items() if len(n) >= 3}
    assert got[FAULT] == {"LAP-100: Will not charge": tuple(sorted(story["lumen14"]))}
    # Lumen 14: 6 claims on 6 units; the rest of laptops 1 on 60 (the claim before the
    # range is not counted): 0.1 expected.
    assert got[MODEL] == {"LAP-100": tuple(sorted(story["lumen14"]))}
    (model,) = [p for p in found if p.kind == MODEL]
    assert model.reason.startswith("Model LAP-100 (Lumen 14 Laptop): 100 claims per 100 under "
                                   "warranty (6 on 6), the rest of laptops 1.7 per 100;")


@pytest.mark.usefixtures("fast_hasher")
def test_model_and_staff_counts_match_sql_written_here(
        shop: Database, story: dict[str, list[str]]) -> None:
    # Ann opened the Lumen 14 claims, two with a manager's override; Bo the others.
    ann, bo, boss = (staff.create_staff(shop, OWNER, name, role, "2468").id.bytes
                     for name, role in (("Ann", Role.SALES), ("Bo", Role.SALES),
                                        ("Max", Role.MANAGER)))
    _sql(shop, "UPDATE claim_events SET staff_id = ?", bo)
    for n, number in enumerate(story["lumen14"]):
        _sql(shop, """UPDATE claim_events SET staff_id = ?, override_by_id = ? WHERE kind =
                      'opened' AND claim_id = (SELECT id FROM claims WHERE number = ?)""",
             ann, boss if n < 2 else None, number)
    with shop.read() as session:
        got = load_pattern_rows(session, SINCE, TODAY)
    start = datetime.combine(SINCE, datetime.min.time()).isoformat(" ")
    per_model = Counter(str(sku) for (sku,) in rows(shop, """
        SELECT p.sku FROM claims c JOIN products p ON p.id = c.product_id
        WHERE c.opened_at >= ?""", start))
    units = Counter(str(sku) for (sku,) in rows(shop, """
        SELECT p.sku FROM warranties w JOIN products p ON p.id = w.product_id
        WHERE w.status != 'void' AND w.start_on <= ? AND w.end_on >= ?""",
        TODAY.isoformat(), SINCE.isoformat()))
    assert {t.subject: (t.hits, t.base) for t in got.models} == {
        sku: (per_model[sku], units[sku]) for sku in set(per_model) | set(units)}
    steps = Counter(str(name) for (name,) in rows(shop, """
        SELECT s.name FROM claim_events e JOIN staff s ON s.id = e.staff_id
        WHERE e.at >= ? AND e.kind IN ('opened', 'status')""", start))
    assert {t.subject: (t.hits, t.base) for t in got.overrides} == {
        name: (2 if name == "Ann" else 0, n) for name, n in steps.items()}
    assert steps == {"Ann": 6, "Bo": 1}
    assert not [p for p in patterns(shop, VIEWER, since=SINCE, until=TODAY)
                if p.kind == OVERRIDES]  # two overrides are too few to stand out


def test_a_filter_narrows_the_patterns_to_what_it_lets_through(
        shop: Database, story: dict[str, list[str]]) -> None:
    orbit = patterns(shop, VIEWER, since=SINCE, until=TODAY, filters={"brand": "Orbit"})
    assert orbit == ()
    laptops = patterns(shop, VIEWER, since=SINCE, until=TODAY, filters={"category": "laptops"})
    assert {p.kind for p in laptops} == {SERIAL, MODEL, CUSTOMER, FAULT}
    # One model alone has no others to be compared with.
    only = patterns(shop, VIEWER, since=SINCE, until=TODAY, filters={"product": "LAP-100"})
    assert MODEL not in {p.kind for p in only} and FAULT in {p.kind for p in only}


def test_patterns_are_for_those_who_see_reports_and_filters_are_checked(
        shop: Database) -> None:
    with pytest.raises(PermissionDenied):
        patterns(shop, SALES, since=SINCE, until=TODAY)
    with pytest.raises(BadInput, match="There is no filter 'colour'"):
        patterns(shop, VIEWER, since=SINCE, until=TODAY, filters={"colour": "red"})
