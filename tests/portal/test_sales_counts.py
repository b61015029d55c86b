"""The metric page's sales roll-up (projections.SalesCount, kept by triggers of migration 0014)
equals a recount from the warranties after any sequence of writes: created one by one or in
bulk, changed field by field or in bulk, deleted, emptied, and written by raw SQL as the bench
and a rebuild write them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.support import PortalDatabase, sales_counted

FIRST = date(2026, 3, 1)


@pytest.fixture(scope="module", autouse=True)
def _database(portal_db: PortalDatabase) -> PortalDatabase:
    return portal_db


def _recounted() -> list[tuple[Any, ...]]:
    from portal.projections.sales_counts import recount

    recount()
    return sales_counted()


_SERIALS = ("SN1", "", "  ", "\tSN2")
_STATUSES = ("active", "void", "replaced")
_DAYS = st.one_of(st.none(), st.integers(0, 4).map(lambda d: FIRST + timedelta(days=d)))
_STEP = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2), st.integers(0, 3),
              st.sampled_from(_SERIALS), st.sampled_from(_STATUSES), _DAYS),
    st.tuples(st.just("bulk"), st.integers(1, 5), st.integers(0, 3), _DAYS),
    st.tuples(st.just("save"), st.integers(0, 20), st.sampled_from(
        ("serial", "status", "sold_on", "product", "branch", "invoice"))),
    st.tuples(st.just("update"), st.sampled_from(_STATUSES), st.sampled_from(_STATUSES)),
    st.tuples(st.just("sql_day"), st.integers(0, 4)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("delete_branch"), st.integers(0, 2)),
    st.tuples(st.just("truncate"),),
)


def _step(step: tuple[Any, ...], branches: list[Any], products: list[Any], made: list[int]
          ) -> None:
    from django.db import connection

    from portal.projections.models import Warranty

    kind = step[0]
    alive = list(Warranty.objects.order_by("id").values_list("id", flat=True))
    if kind == "create":
        _, b, p, serial, status, day = step
        made.append(Warranty.objects.create(
            branch=branches[b], code=f"W{len(made)}", serial=serial,
            product=None if p == 3 else products[p], status=status, sold_on=day).id)
    elif kind == "bulk":
        _, n, p, day = step
        start = len(made)
        made.extend(w.id for w in Warranty.objects.bulk_create(
            Warranty(branch=branches[i % 2], code=f"W{start + i}", serial=_SERIALS[i % 4],
                     product=None if p == 3 else products[p], status=_STATUSES[i % 3],
                     sold_on=day) for i in range(n)))
    elif kind == "save" and alive:
        w = Warranty.objects.get(id=alive[step[1] % len(alive)])
        field = step[2]
        if field == "serial":
            w.serial = "" if w.serial.strip() else "SN9"
        elif field == "status":
            w.status = "void" if w.status == "active" else "active"
        elif field == "sold_on":
            w.sold_on = None if w.sold_on else FIRST
        elif field == "product":
            w.product = products[0] if w.product_id is None else None
        elif field == "branch":
            w.branch = branches[2] if w.branch_id != branches[2].id else branches[0]
        else:
            w.invoice = w.invoice + "x"  # no key changes: nothing to add
        w.save()
    elif kind == "update":
        Warranty.objects.filter(status=step[1]).update(status=step[2])
    elif kind == "sql_day":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE projections_warranty SET sold_on = sold_on + %s "
                           "WHERE sold_on IS NOT NULL", [step[1]])
    elif kind == "delete" and alive:
        Warranty.objects.filter(id=alive[step[1] % len(alive)]).delete()
    elif kind == "delete_branch":
        Warranty.objects.filter(branch=branches[step[1]]).delete()
    elif kind == "truncate":
        with connection.cursor() as cursor:
            # Django's foreign keys are checked at commit: TRUNCATE wants them checked first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE projections_warranty CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(_STEP, max_size=12))
def test_the_sales_roll_up_is_a_recount_after_any_writes(steps: list[tuple[Any, ...]]
                                                         ) -> None:
    from django.db import transaction

    from portal.branches.models import Branch
    from portal.projections.models import Product

    with transaction.atomic():
        branches = [Branch.objects.create(code=f"S{n}") for n in range(3)]
        products = [Product.objects.create(branch=branches[0], sku=f"P{n}") for n in range(3)]
        made: list[int] = []
        for step in steps:
            _step(step, branches, products, made)
            held = sales_counted()
            assert all(row[-1] > 0 for row in held)  # no group fallen to nothing is kept
            assert held == _recounted()
        transaction.set_rollback(True)
