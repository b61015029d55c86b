"""The metric page's per-claim roll-up (projections.ClaimRoll, kept by triggers of migrations
0015 and 0016) equals a recount from its sources after any sequence of writes: claims and their
events made one by one or in bulk, changed by the ORM, in bulk or by raw SQL, deleted or
emptied; products made, renamed and removed under a claim's SKU, and their brand, category and
supplier changed; a warranty's product, customer, day, status and branch changed; a branch's
zone changed (every claim of it on other days); a claim number taken up or given up in another
branch (a shared number is counted distinct)."""

from __future__ import annotations

import importlib
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.support import PortalDatabase, claims_rolled

FIRST = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # late: a zone east of UTC is a day on
_ZONES = ("", "Pacific/Auckland", "America/Los_Angeles", "Not/AZone")
_TOPICS = (("claim.replacement_handed_over", "", {}), ("claim.reopened", "", {}),
           ("claim.decided", "rejected", {}), ("claim.status_changed", "rejected", {}),
           ("claim.decided", "resolved", {}), ("claim.cost_posted", "", {"kind": "parts"}),
           ("claim.cost_posted", "", {"amount_minor": 5}), ("stock.moved", "", {"kind":
                                                                                   "return_in"}),
           ("stock.moved", "", {"kind": "to_supplier"}), ("claim.evidence_added", "", {}))
_SKUS = ("", "P0", "PX")


@pytest.fixture(scope="module", autouse=True)
def _database(portal_db: PortalDatabase) -> PortalDatabase:
    return portal_db


def test_the_roll_up_counts_with_the_pages_words() -> None:
    """The migration's event topics, stock moves and void statuses are the metric pages'."""
    from portal.staff.metric_rows import _CLOSING, _IN, _OUT, VOID

    rolls = importlib.import_module("portal.projections.migrations.0015_claim_rolls")
    assert ", ".join(f"'{t}'" for t in _CLOSING) == rolls.CLOSING
    assert ", ".join(f"'{t}'" for t in (*_IN, *_OUT)) == rolls.MOVES
    assert ", ".join(f"'{t}'" for t in VOID) == rolls.VOID


_STEP = st.one_of(
    st.tuples(st.just("claim"), st.integers(0, 2), st.sampled_from(_SKUS), st.integers(0, 3),
              st.integers(0, 2), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("claims"), st.integers(1, 4), st.sampled_from(_SKUS), st.integers(0, 3)),
    st.tuples(st.just("event"), st.integers(0, 20), st.integers(0, len(_TOPICS) - 1),
              st.integers(0, 5)),
    st.tuples(st.just("events"), st.integers(0, len(_TOPICS) - 1)),
    st.tuples(st.just("sql_event"), st.integers(0, 20), st.integers(0, len(_TOPICS) - 1)),
    st.tuples(st.just("drop_event"), st.integers(0, 20)),
    st.tuples(st.just("save"), st.integers(0, 20), st.sampled_from(
        ("state", "closed", "sku", "warranty", "customer", "opened", "staff"))),
    st.tuples(st.just("renumber"), st.integers(0, 20)),
    st.tuples(st.just("late_sale"), st.integers(0, 2)),
    st.tuples(st.just("update"), st.sampled_from(("resolved", "rejected", "received"))),
    st.tuples(st.just("product"), st.integers(0, 2), st.sampled_from(("make", "rename",
                                                                       "remove", "rebrand"))),
    st.tuples(st.just("sale"), st.integers(0, 3), st.sampled_from(("product", "customer",
                                                                    "day", "void", "new",
                                                                    "branch"))),
    st.tuples(st.just("zone"), st.integers(0, 2), st.sampled_from(_ZONES), st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("truncate"), st.sampled_from(("projections_claimevent",
                                                    "projections_claim"))),
)


class _Shop:
    """The records a story writes on: branches, products, customers, warranties, claims."""

    def __init__(self) -> None:
        from portal.branches.models import Branch
        from portal.projections.models import Customer, Product, Warranty

        self.branches = [Branch.objects.create(code=f"R{n}") for n in range(3)]
        self.products = [Product.objects.create(branch=self.branches[0], sku=f"P{n}",
                                                brand=f"B{n}") for n in range(3)]
        self.customers = [Customer.objects.create(branch=self.branches[0], reference=f"C{n}")
                          for n in range(3)]
        self.warranties = [Warranty.objects.create(
            branch=self.branches[0], code=f"W{n}", product=self.products[n % 3],
            customer=self.customers[n % 3], status="active",
            sold_on=FIRST.date() + timedelta(days=n)) for n in range(4)]
        self.made = 0
        # A claim in each branch from the start, on a SKU no product has yet but the first,
        # each customer's next day of buying after it a sale of the shop's: every step on
        # products, sales and zones has a row to change.
        for n in range(3):
            self.claim(n, "PX" if n else "", n, n, 0).save()

    def claim(self, branch: int, sku: str, warranty: int, customer: int, day: int) -> Any:
        from portal.projections.models import Claim

        self.made += 1
        return Claim(branch=self.branches[branch], number=f"K{self.made}", sku=sku,
                     warranty=None if warranty == 3 else self.warranties[warranty],
                     customer=self.customers[customer], state="received",
                     opened_at=FIRST + timedelta(days=day), opened_by=f"S{day % 2}")


def _event(claim_id: int, topic: int, seq: int) -> Any:
    from portal.projections.models import ClaimEvent

    name, to_state, details = _TOPICS[topic]
    return ClaimEvent(claim_id=claim_id, event_id=uuid.uuid4(), seq=seq,
                      occurred_at=FIRST + timedelta(hours=3 * seq), topic=name,
                      to_state=to_state, details=details)


def _sql(sql: str, params: list[Any] | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _step(step: tuple[Any, ...], shop: _Shop) -> None:
    from portal.projections.models import Claim, ClaimEvent

    kind = step[0]
    claims = list(Claim.objects.order_by("id"))
    events = list(ClaimEvent.objects.order_by("id").values_list("id", flat=True))
    if kind == "claim":
        _, b, sku, w, c, day, closed = step
        made = shop.claim(b, sku, w, c, day)
        made.closed_at = made.opened_at + timedelta(hours=5) if closed else None
        made.save()
    elif kind == "claims":
        Claim.objects.bulk_create(shop.claim(n % 3, step[2], step[3], n % 3, n)
                                  for n in range(step[1]))
    elif kind == "event" and claims:
        _event(claims[step[1] % len(claims)].id, step[2], step[3]).save()
    elif kind == "events":
        ClaimEvent.objects.bulk_create(_event(c.id, step[1], n) for n, c in enumerate(claims))
    elif kind == "sql_event" and events:
        name, to_state, _details = _TOPICS[step[2]]
        _sql("UPDATE projections_claimevent SET topic = %s, to_state = %s WHERE id = %s",
             [name, to_state, events[step[1] % len(events)]])
    elif kind == "drop_event" and events:
        ClaimEvent.objects.filter(id=events[step[1] % len(events)]).delete()
    elif kind == "save" and claims:
        _save(claims[step[1] % len(claims)], step[2], shop)
    elif kind == "late_sale":  # a claim written before its warranty (foreign keys deferred)
        _late_sale(step[1], shop)
    elif kind == "renumber" and claims:  # another branch's number, or its own again
        claim = claims[step[1] % len(claims)]
        taken = Claim.objects.filter(branch_id=claim.branch_id, number="K1").exists()
        claim.number = f"K{claim.id}" if taken else "K1"
        claim.save()
    elif kind == "update":
        Claim.objects.filter(state="received").update(state=step[1], closed_at=FIRST)
    elif kind == "product":
        _product(step[1], step[2], shop)
    elif kind == "sale":
        _sale(step[1], step[2], shop)
    elif kind == "zone":
        _, b, zone, raw = step
        if raw:
            _sql("UPDATE branches_branch SET time_zone = %s WHERE id = %s",
                 [zone, shop.branches[b].id])
        else:
            shop.branches[b].time_zone = zone
            shop.branches[b].save()
    elif kind == "delete" and claims:
        Claim.objects.filter(id=claims[step[1] % len(claims)].id).delete()
    elif kind == "truncate":
        _sql("SET CONSTRAINTS ALL IMMEDIATE")
        _sql(f"TRUNCATE {step[1]} CASCADE")
        _sql("SET CONSTRAINTS ALL DEFERRED")


def _late_sale(n: int, shop: _Shop) -> None:
    from django.db import connection

    from portal.projections.models import Warranty

    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('projections_warranty', 'id'))")
        wid = cursor.fetchone()[0]
    claim = shop.claim(n, "", 3, n, 1)
    claim.warranty_id = wid
    claim.save()
    shop.made += 1
    Warranty.objects.create(id=wid, branch=shop.branches[n], code=f"L{shop.made}",
                            product=shop.products[(n + 1) % 3], status="active")


def _save(claim: Any, field: str, shop: _Shop) -> None:
    if field == "state":
        claim.state = "rejected" if claim.state != "rejected" else "reviewing"
    elif field == "closed":
        claim.closed_at = None if claim.closed_at else claim.opened_at + timedelta(days=1)
    elif field == "sku":
        claim.sku = {"": "P1", "P1": "PX", "PX": ""}.get(claim.sku, "")
    elif field == "warranty":
        claim.warranty = shop.warranties[1] if claim.warranty_id is None else None
    elif field == "customer":
        claim.customer = None if claim.customer_id else shop.customers[2]
    elif field == "opened":
        claim.opened_at = claim.opened_at + timedelta(hours=7) if claim.opened_at else FIRST
    else:
        claim.opened_by = claim.opened_by + "x"
    claim.save()


def _product(n: int, change: str, shop: _Shop) -> None:
    from portal.projections.models import Product

    if change == "make":
        Product.objects.get_or_create(branch=shop.branches[n], sku="PX")
    elif change == "rebrand":  # the fields a claim on it, and every sale of it, are counted by
        product = shop.products[n]
        product.brand = {"B0": "B1", "B1": "", "": "B0"}.get(product.brand, "B0")
        product.category = "" if product.category else "C"
        product.supplier = "" if product.supplier else product.brand or "S"
        product.save()
    elif change == "rename":
        _sql("UPDATE projections_product SET sku = CASE sku WHEN 'PX' THEN 'PY' "
             "WHEN 'PY' THEN 'PX' ELSE sku END WHERE branch_id = %s", [shop.branches[n].id])
    else:
        Product.objects.filter(branch=shop.branches[n], sku__in=("PX", "PY")).delete()


def _sale(n: int, change: str, shop: _Shop) -> None:
    from portal.projections.models import Warranty

    w = shop.warranties[n]
    w.refresh_from_db()
    if change == "product":
        w.product = None if w.product_id else shop.products[n % 3]
    elif change == "customer":
        w.customer = shop.customers[(n + 1) % 3] if w.customer_id else shop.customers[0]
    elif change == "day":
        w.sold_on = None if w.sold_on else FIRST.date() + timedelta(days=n + 1)
    elif change == "void":
        w.status = "void" if w.status == "active" else "active"
    elif change == "branch":
        w.branch = shop.branches[(w.branch_id == shop.branches[0].id) + 0]
    else:
        shop.made += 1
        Warranty.objects.create(branch=shop.branches[1], code=f"N{shop.made}",
                                customer=shop.customers[n % 3], status="active",
                                sold_on=date(2026, 3, 4) + timedelta(days=n))
        return
    w.save()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(_STEP, max_size=14))
def test_the_claim_roll_up_is_a_recount_after_any_writes(steps: list[tuple[Any, ...]]) -> None:
    from django.db import transaction

    from portal.projections.claim_rolls import recount

    with transaction.atomic():
        shop = _Shop()
        held = claims_rolled()
        for step in steps:
            _step(step, shop)
            held = claims_rolled()
            assert held == claims_rolled("projections_claimroll_source"), step
        assert recount() == len(held)
        assert claims_rolled() == held
        transaction.set_rollback(True)


def test_a_number_two_branches_share_is_one_record_in_the_whole() -> None:
    """The records behind a figure are claim numbers: a number on a claim in two branches is
    one in the whole and one in each branch's group; its own number is one more."""
    from django.db import transaction

    from portal.staff.metric_behind import CLAIM_PICKS, counts
    from portal.staff.metric_counts import load_counted

    with transaction.atomic():
        shop = _Shop()
        for branch, number in ((0, "S1"), (1, "S1"), (1, "S2")):
            made = shop.claim(branch, "", 0, 0, 0)
            made.number = number
            made.save()
        day = FIRST.date()
        whole = counts(day, day + timedelta(days=2), {}, "")
        grouped = counts(day, day + timedelta(days=2), {}, "branch")
        counted = load_counted(day, day + timedelta(days=2), {}, "branch")
        assert counted.numbers_shared  # so the page reads them rather than add up its facts
        given = counts(day, day + timedelta(days=2), {}, "branch", counted)
        assert {g: {k: v[k] for k in CLAIM_PICKS} for g, v in given.items()} == {
            g: {k: v[k] for k in CLAIM_PICKS} for g, v in grouped.items()}
        transaction.set_rollback(True)
    # The shop's own claims (one a branch, numbers of their own) and these.
    assert whole[""]["claim-volume"] == grouped[""]["claim-volume"] == 3 + 2
    assert {g: v["claim-volume"] for g, v in grouped.items() if g} == {
        "R0": 1 + 1, "R1": 1 + 2, "R2": 1}


def test_the_records_counted_from_the_facts_are_the_ones_read() -> None:
    """With no shared number, most figures' records are counted from the page's facts and the
    rest read among claims with costs, refunds or brand claims: the same as read all alike,
    for a refund with no cost posted too."""
    from django.db import transaction

    from portal.projections.models import BrandClaim
    from portal.staff.metric_behind import counts
    from portal.staff.metric_counts import load_counted

    day = FIRST.date()
    with transaction.atomic():
        shop = _Shop()
        refund = shop.claim(1, "", 1, 1, 0)
        refund.outcome, refund.refund_minor = "refund", 500
        refund.state, refund.closed_at = "resolved", refund.opened_at + timedelta(hours=2)
        refund.save()
        costly = shop.claim(2, "", 2, 2, 1)
        costly.save()
        _event(costly.id, 5, 1).save()
        BrandClaim.objects.create(branch=shop.branches[0], number="BC1", supplier="Acme",
                                  brand="B0", status="open", approval="",
                                  claim_numbers=["K1"], opened_at=FIRST,
                                  updated_at=FIRST)
        for by in ("", "branch"):
            counted = load_counted(day, day + timedelta(days=3), {}, by)
            assert not counted.numbers_shared
            from_facts = counts(day, day + timedelta(days=3), {}, by, counted)
            read = counts(day, day + timedelta(days=3), {}, by)
            for value, found in read.items():
                assert {k: from_facts[value][k] for k in found} == found, (by, value)
            assert from_facts[""]["refund-accuracy"] == 1
            assert from_facts[""]["supplier-recovery"] == 1
            assert from_facts[""]["cost-parts"] == 1
        transaction.set_rollback(True)
