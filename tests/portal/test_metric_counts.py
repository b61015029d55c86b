"""Head office's counted metrics (portal/staff/metric_counts.py, claims and sales counted in
PostgreSQL) give every figure, weekly series and compared group the row path gives
(metric_rows.load_rows): over generated stories of branches in zones with and without summer
time (and one that never told its zone), for ranges, filters and comparisons of any field."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.support import PortalDatabase
from warranty_desk.rules.metrics.rows import DIMENSIONS

ZONES = ("", "Pacific/Auckland", "America/New_York", "Europe/London", "Asia/Kolkata")
STATES = ("received", "inspecting", "repairing", "resolved", "rejected")
OUTCOMES = ("", "repair", "replace", "refund")
BRANDS = ("Lumen", "Orbit", "")
FIRST = date(2026, 2, 20)  # the stories' days: late February to early May (summer time moves)
SPAN = 75


@pytest.fixture(scope="module", autouse=True)
def _database(portal_db: PortalDatabase) -> PortalDatabase:
    return portal_db


def _instant(draw: st.DrawFn) -> datetime:
    return datetime(FIRST.year, FIRST.month, FIRST.day, tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(0, SPAN * 24 * 60)))


@st.composite
def stories(draw: st.DrawFn) -> dict[str, Any]:
    """Branches, their products, sales and claims with timelines, and brand claims."""
    branches = []
    for n in range(draw(st.integers(1, 3))):
        products = [(f"SKU-{k}", draw(st.sampled_from(BRANDS)),
                     draw(st.sampled_from(("phones", "kettles", ""))),
                     draw(st.sampled_from(("", "Acme Dist"))), draw(st.booleans()))
                    for k in range(draw(st.integers(1, 3)))]
        customers = draw(st.integers(1, 4))
        sales = [(draw(st.integers(0, len(products) - 1)), draw(st.integers(0, customers - 1)),
                  FIRST + timedelta(days=draw(st.integers(0, SPAN))),
                  draw(st.sampled_from(("SN1", "", "  "))),
                  draw(st.sampled_from(("active", "active", "void", "replaced"))),
                  draw(st.sampled_from((None, 1000, 25_000))))
                 for _ in range(draw(st.integers(0, 8)))]
        claims = []
        for _ in range(draw(st.integers(0, 8))):
            opened = _instant(draw)
            closed = (opened + timedelta(hours=draw(st.integers(0, 24 * 20)))
                      if draw(st.booleans()) else None)
            events = draw(st.lists(st.sampled_from((
                "labour", "parts", "refund", "write_off", "handed", "reopened", "rejected",
                "return_in", "to_supplier")), max_size=4))
            claims.append({
                "opened": opened, "closed": closed, "state": draw(st.sampled_from(STATES)),
                "outcome": draw(st.sampled_from(OUTCOMES)),
                "promised": draw(st.sampled_from((None, opened.date() + timedelta(days=3)))),
                "sale": draw(st.sampled_from([None, *range(len(sales))])),
                "sku": draw(st.sampled_from(["", "", "SKU-0", "SKU-9"])),
                "customer": draw(st.sampled_from([None, *range(customers)])),
                "staff": draw(st.sampled_from(("", "Ana", "Bo"))),
                "refund": draw(st.sampled_from((None, 900, 30_000))),
                "approver": draw(st.sampled_from(("", "Manager"))), "events": events,
                "hours": [draw(st.integers(0, 24 * 15)) for _ in events]})
        recovery = [(draw(st.lists(st.integers(0, max(len(claims) - 1, 0)), min_size=1,
                                   max_size=3, unique=True)),
                     draw(st.integers(0, 5000)), draw(st.booleans()))
                    for _ in range(draw(st.integers(0, 2)) if claims else 0)]
        branches.append({"code": f"B{n}", "zone": draw(st.sampled_from(ZONES)),
                         "products": products, "customers": customers, "sales": sales,
                         "claims": claims, "recovery": recovery})
    return {"branches": branches}


def _write(story: dict[str, Any]) -> None:
    from portal.branches.models import Branch
    from portal.projections.models import (
        BrandClaim,
        Claim,
        ClaimEvent,
        Customer,
        Product,
        Warranty,
    )

    seq = 0
    for b in story["branches"]:
        branch = Branch.objects.create(code=b["code"], time_zone=b["zone"])
        products = [Product.objects.create(branch=branch, sku=sku, brand=brand,
                                           category=category, supplier=supplier,
                                           serial_required=needed)
                    for sku, brand, category, supplier, needed in b["products"]]
        customers = [Customer.objects.create(branch=branch, reference=f"{b['code']}-C{n}")
                     for n in range(b["customers"])]
        sold = [Warranty.objects.create(
            branch=branch, code=f"{b['code']}-W{n}", serial=serial, product=products[p],
            customer=customers[c], status=status, sold_on=day, start_on=day, price_minor=price)
            for n, (p, c, day, serial, status, price) in enumerate(b["sales"])]
        made = []
        for n, c in enumerate(b["claims"]):
            claim = Claim.objects.create(
                branch=branch, number=f"{b['code']}-K{n}", state=c["state"],
                outcome=c["outcome"], opened_at=c["opened"], closed_at=c["closed"],
                promised_on=c["promised"], sku=c["sku"], opened_by=c["staff"],
                warranty=None if c["sale"] is None else sold[c["sale"]],
                customer=None if c["customer"] is None else customers[c["customer"]],
                refund_minor=c["refund"] if c["outcome"] == "refund" else None,
                approver_role=c["approver"], approver_limit_minor=5000 if c["approver"] else None)
            made.append(claim)
            for kind, hours in zip(c["events"], c["hours"], strict=True):
                seq += 1
                at = c["opened"] + timedelta(hours=hours)
                topic, to_state, details = {
                    "handed": ("claim.replacement_handed_over", "", {}),
                    "reopened": ("claim.reopened", "", {}),
                    "rejected": ("claim.status_changed", "rejected", {}),
                    "return_in": ("stock.moved", "", {"kind": "return_in"}),
                    "to_supplier": ("stock.moved", "", {"kind": "to_supplier"}),
                }.get(kind, ("claim.cost_posted", "", {"kind": kind,
                                                       "amount_minor": 100 * seq}))
                ClaimEvent.objects.create(claim=claim, event_id=uuid.uuid4(), seq=seq,
                                          occurred_at=at, topic=topic, to_state=to_state,
                                          details=details)
        for n, (picked, settled, per_claim) in enumerate(b["recovery"]):
            numbers = [made[i].number for i in picked if i < len(made)]
            BrandClaim.objects.create(
                branch=branch, number=f"{b['code']}-BC{n}", supplier="Acme", brand="Lumen",
                status="open", approval="", claim_numbers=numbers, expected_minor=4000,
                expected_per_claim=[1000 + i for i in range(len(numbers))] if per_claim else [],
                settled_minor=settled, opened_at=FIRST_AT, updated_at=FIRST_AT)


FIRST_AT = datetime(FIRST.year, FIRST.month, FIRST.day, tzinfo=UTC)


def _values(page: Any) -> Any:
    def shown(figures: Any) -> list[tuple[str, Any, str]]:
        return [(s.figure.key, s.figure.value, s.text) for s in figures]

    return (shown(page.figures), page.weeks, page.opened, page.still_open,
            {k: shown(v) for k, v in page.groups.items()})


def _filter_values(story: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, set[str]] = {n: {"not recorded"} for n in DIMENSIONS}
    for b in story["branches"]:
        found["branch"].add(b["code"])
        for sku, brand, category, supplier, _ in b["products"]:
            found["product"].add(sku)
            found["brand"].add(brand or "not recorded")
            found["category"].add(category or "not recorded")
            found["supplier"].add(supplier or brand or "not recorded")
        found["staff"] |= {c["staff"] for c in b["claims"] if c["staff"]}
    return {k: sorted(v) for k, v in found.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(story=stories(), data=st.data())
def test_every_counted_figure_is_the_row_paths(story: dict[str, Any], data: st.DataObject
                                               ) -> None:
    from django.db import transaction

    from portal.staff.metric_page import Query, build

    since = FIRST + timedelta(days=data.draw(st.integers(-3, SPAN)))
    until = since + timedelta(days=data.draw(st.sampled_from((0, 6, 13, 40, 90))))
    values = _filter_values(story)
    fields = data.draw(st.lists(st.sampled_from(DIMENSIONS), max_size=2, unique=True))
    filters = {f: data.draw(st.sampled_from(values[f])) for f in fields}
    by = data.draw(st.sampled_from(("", *DIMENSIONS)))
    with transaction.atomic():
        _write(story)
        query = Query(since, until, filters, by)
        counted, rows = build(query, "/b/"), build(query, "/b/", counted=False)
        assert _values(counted) == _values(rows)
        transaction.set_rollback(True)


@pytest.mark.parametrize("filters", [{"brand": "Lumen"}, {"brand": "not recorded"},
                                     {"supplier": "Lumen", "category": "phones"},
                                     {"product": "not recorded", "branch": "B0"}])
@pytest.mark.parametrize("by", ["", "brand", "branch"])
def test_a_product_filter_and_the_claims_and_sales_with_no_product(
        filters: dict[str, str], by: str) -> None:
    """Claims and sales with no product (no SKU, no sale; a sale of no product) are "not
    recorded" under every product field: a filter on a product value leaves them out (the
    product is then joined inner) and one on "not recorded" keeps them, as the row path."""
    from django.db import transaction

    from portal.staff.metric_page import Query, build

    at = FIRST_AT + timedelta(days=3)
    claim = {"state": "received", "outcome": "", "closed": None, "promised": None, "sku": "",
             "staff": "", "refund": None, "approver": "", "events": [], "hours": []}
    story = {"branches": [{
        "code": "B0", "zone": "", "customers": 2, "recovery": [],
        "products": [("SKU-0", "Lumen", "phones", "", True)],
        "sales": [(0, 0, FIRST + timedelta(days=1), "SN1", "active", 1000),
                  (0, 1, FIRST + timedelta(days=9), "", "active", None)],
        "claims": [{**claim, "opened": at, "sale": 0, "customer": 0},
                   {**claim, "opened": at, "sale": None, "customer": 1},
                   {**claim, "opened": at + timedelta(hours=5), "sale": None, "sku": "SKU-0",
                    "customer": 1, "state": "resolved", "closed": at + timedelta(days=2)}]}]}
    with transaction.atomic():
        _write(story)
        from portal.projections.models import Warranty
        # A sale whose product the till never sent.
        Warranty.objects.create(branch_id=Warranty.objects.first().branch_id, code="B0-W9",
                                customer=None, status="active", sold_on=FIRST + timedelta(days=2),
                                start_on=FIRST)
        query = Query(FIRST, FIRST + timedelta(days=20), filters, by)
        counted, rows = build(query, "/b/"), build(query, "/b/", counted=False)
        assert _values(counted) == _values(rows)
        transaction.set_rollback(True)
