"""Metric pages kept for everyone (portal/staff/metric_store.py): the same query is built once,
by one of many asking at once; any write to what the page reads (by the ORM, raw SQL, a
projected event, a rebuild) makes the next exact request build again with the new figures,
and a write elsewhere does not; a till's sale pushed and projected shows on the next exact
page; a page a write made stale is shown for a minute at most and says when it counted; the
exports are exact; the kept pages stay few; a year on the clock changes nothing."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from portal.staff import metric_store
from portal.staff.metric_page import Page, Query, build
from tests.conftest import TODAY, actor
from tests.portal.office import signed_in
from tests.portal.support import LivePortal, PortalDatabase, register
from tests.portal.till import push_all, till
from warranty_desk.clock import FixedClock
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput

SINCE, UNTIL = date(2026, 10, 1), date(2026, 10, 31)
PATH = f"/office/metrics/?since={SINCE}&until={UNTIL}"


@pytest.fixture(scope="module", autouse=True)
def _database(portal_db: PortalDatabase) -> PortalDatabase:
    return portal_db


@pytest.fixture(scope="module")
def shop(_database: PortalDatabase) -> dict[str, Any]:
    """A branch with a product, three sales in October and a claim with a cost posted."""
    from portal.branches.models import Branch
    from portal.projections.models import Claim, ClaimEvent, Customer, Product, Warranty

    branch = Branch.objects.create(code="MS1", time_zone="Europe/London")
    product = Product.objects.create(branch=branch, sku="MS-LAP", brand="Lumen",
                                     category="laptops")
    customer = Customer.objects.create(branch=branch, reference="MS1-C1")
    sold = [Warranty.objects.create(branch=branch, code=f"MS1-W{n}", serial=f"SN{n}",
                                    product=product, customer=customer, status="active",
                                    sold_on=date(2026, 10, 2 + n), start_on=date(2026, 10, 2))
            for n in range(3)]
    claim = Claim.objects.create(branch=branch, number="MS1-K1", state="received",
                                 opened_at=datetime(2026, 10, 5, 10, tzinfo=UTC),
                                 warranty=sold[0], customer=customer)
    ClaimEvent.objects.create(claim=claim, event_id=uuid.uuid4(), seq=1,
                              occurred_at=datetime(2026, 10, 5, 11, tzinfo=UTC),
                              topic="claim.cost_posted",
                              details={"kind": "labour", "amount_minor": 3000})
    return {"branch": branch, "product": product, "customer": customer, "claim": claim}


@pytest.fixture(autouse=True)
def _nothing_kept() -> Iterator[None]:
    metric_store.forget()
    yield


def _value(page: Page, key: str) -> Any:
    return next(s.figure.value for s in page.figures if s.figure.key == key)


def _query(**filters: str) -> Query:
    return Query(SINCE, UNTIL, dict(filters))


def _exact(query: Query, make: Any) -> Page:
    """The page as exact (counted again if any write made it stale), as the exports take it."""
    return metric_store.page(query, "/b/", make(query), exact=True).page


def _counting() -> tuple[list[int], Any]:
    built: list[int] = []

    def make(query: Query) -> Any:
        def run() -> Page:
            built.append(1)
            return build(query, "/b/")
        return run
    return built, make


def test_the_same_request_is_built_once_and_a_write_builds_it_again(
        shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.projections.models import Warranty
    from portal.staff.views import metrics as view

    built: list[Query] = []  # every page the view builds rather than takes from the store

    def counted(query: Query, behind_url: str) -> Page:
        built.append(query)
        return build(query, behind_url)

    monkeypatch.setattr(view, "build", counted)
    browser, _ = signed_in("auditor")
    first = browser.get(PATH)
    again = browser.get(PATH)
    assert first.status_code == again.status_code == 200
    assert len(built) == 1
    # The CSV of the same query is the kept page too (the HTML carries a nonce per response).
    csv = browser.get(PATH + "&format=csv").content.decode()
    assert len(built) == 1 and "Warranties activated,3\r" in csv
    Warranty.objects.create(branch=shop["branch"], code="MS1-W9", serial="SN9",
                            product=shop["product"], status="active",
                            sold_on=date(2026, 10, 20), start_on=date(2026, 10, 20))
    changed = browser.get(PATH + "&format=csv").content.decode()
    assert len(built) == 2
    assert "Warranties activated,4\r" in changed
    assert browser.get(PATH).status_code == 200
    assert len(built) == 2
    assert browser.get(PATH.replace("10-31", "10-30")).status_code == 200
    assert len(built) == 3


def test_a_stale_page_is_shown_a_minute_at_most_and_says_when_it_counted(
        shop: dict[str, Any], portal_clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Branches push all day: a page some write made stale is shown for BEHIND after its build,
    saying when it counted and offering to count again now; then the next request counts
    again. Exports always count what is there."""
    from portal.projections.models import Warranty
    from portal.staff.views import metrics as view

    built: list[Query] = []

    def counted(query: Query, behind_url: str) -> Page:
        built.append(query)
        return build(query, behind_url)

    def sell(code: str) -> None:
        Warranty.objects.create(branch=shop["branch"], code=code, product=shop["product"],
                                status="active", sold_on=date(2026, 10, 21))

    def activations(html: str) -> str:
        found = re.search(r'Warranties activated</span>\s*<a class="value"[^>]*>([^<]*)<', html)
        assert found is not None, html
        return found[1]

    monkeypatch.setattr(view, "build", counted)
    browser, _ = signed_in("auditor")
    first = browser.get(PATH).content.decode()
    assert len(built) == 1 and "Counted at" not in first
    sell("MS1-WS1")
    portal_clock.set(portal_clock.now() + timedelta(seconds=30))
    stale = browser.get(PATH).content.decode()
    assert len(built) == 1, "stale for 30 s: shown, not counted again"
    assert "Counted at" in stale and "30 seconds ago" not in stale and "just now" in stale
    sold = int(activations(first))
    assert activations(stale) == str(sold)
    assert '&amp;counted=now">count them again now</a>' in stale
    now = browser.get(PATH + "&counted=now").content.decode()
    assert len(built) == 2 and "Counted at" not in now
    assert activations(now) == str(sold + 1)
    sell("MS1-WS2")
    csv = browser.get(PATH + "&format=csv").content.decode()
    assert len(built) == 3 and f"Warranties activated,{sold + 2}\r" in csv
    sell("MS1-WS3")
    assert "Counted at" in browser.get(PATH).content.decode() and len(built) == 3
    portal_clock.set(portal_clock.now() + metric_store.BEHIND + timedelta(seconds=1))
    later = browser.get(PATH).content.decode()
    assert len(built) == 4 and "Counted at" not in later
    Warranty.objects.filter(code__startswith="MS1-WS").delete()


def test_every_write_the_page_reads_makes_it_stale(shop: dict[str, Any]) -> None:
    """Each kind of write, by the ORM or raw SQL, shows on the next page; the figure moves."""
    from portal.branches.models import Branch
    from portal.projections.models import ClaimEvent, Product

    built, make = _counting()
    query = _query()
    page = _exact(query, make)
    again = _exact(query, make)
    assert again == page and len(built) == 1
    sold = _value(page, "activations")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projections_warranty SET status = 'void' WHERE code = 'MS1-W1'")
    page = _exact(query, make)
    assert len(built) == 2 and _value(page, "activations") == sold - 1
    labour = _value(page, "cost-labour")
    ClaimEvent.objects.create(claim=shop["claim"], event_id=uuid.uuid4(), seq=2,
                              occurred_at=datetime(2026, 10, 6, tzinfo=UTC),
                              topic="claim.cost_posted",
                              details={"kind": "labour", "amount_minor": 500})
    page = _exact(query, make)
    assert len(built) == 3 and _value(page, "cost-labour") == labour + 500
    # The brand a filter reads, on the product.
    lumen = _query(brand="Lumen")
    assert _value(_exact(lumen, make), "claim-volume") == 1
    Product.objects.filter(pk=shop["product"].pk).update(brand="Orbit")
    assert _value(_exact(lumen, make), "claim-volume") == 0
    assert len(built) == 5
    Product.objects.filter(pk=shop["product"].pk).update(brand="Lumen")
    # The branch's time zone moves its days; a branch's other fields are not read.
    _exact(query, make)
    Branch.objects.filter(pk=shop["branch"].pk).update(
        events_received=7, last_push_at=datetime(2026, 11, 1, tzinfo=UTC))
    _exact(query, make)
    assert len(built) == 6
    Branch.objects.filter(pk=shop["branch"].pk).update(time_zone="Pacific/Auckland")
    _exact(query, make)
    assert len(built) == 7
    Branch.objects.filter(pk=shop["branch"].pk).update(time_zone="Europe/London")


def test_a_rebuild_makes_the_page_stale(shop: dict[str, Any]) -> None:
    from portal.projections import projector

    built, make = _counting()
    query = _query()
    _exact(query, make)
    projector.rebuild([])  # nothing rebuilt, nothing written
    _exact(query, make)
    assert len(built) == 1
    with transaction.atomic():  # what a rebuild of a branch deletes first, then rolled back
        from portal.projections.models import ClaimEvent
        ClaimEvent.objects.filter(claim__branch=shop["branch"]).delete()
        transaction.set_rollback(True)
    _exact(query, make)
    assert len(built) == 1, "a write rolled back changes nothing"
    projector.rebuild([shop["branch"].pk])  # no stored events: the branch's rows go
    page = _exact(query, make)
    assert len(built) == 2 and _value(page, "activations") == 0


def test_a_page_built_after_a_request_arrived_is_good_for_it(shop: dict[str, Any]) -> None:
    """A request that waited for another's build takes a page whose snapshot began after it
    arrived, even if a write came after that; one arriving after the write does not."""
    query = _query(category="laptops")
    key = metric_store.key_of(query, "/b/")
    with connection.cursor() as cursor:
        arrived, none = metric_store._kept(cursor, key, None, None)
        assert none is None
    metric_store.page(query, "/b/", lambda: build(query, "/b/"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projections_product SET category = category")
        assert metric_store._kept(cursor, key, arrived, None)[1] is not None
        assert metric_store._kept(cursor, key, None, None)[1] is None


def test_people_asking_at_once_wait_for_one_build(shop: dict[str, Any]) -> None:
    built, make = _counting()
    query = _query(brand="Lumen")
    slow = make(query)

    def slowly() -> Page:
        time.sleep(0.3)  # long enough that every other request arrives meanwhile
        return slow()

    pages: list[metric_store.Kept] = []
    failed: list[BaseException] = []

    def person() -> None:
        try:
            pages.append(metric_store.page(query, "/b/", slowly))
        except BaseException as exc:  # reported below, on the test's thread
            failed.append(exc)
        finally:
            connection.close()

    people = [threading.Thread(target=person) for _ in range(8)]
    for p in people:
        p.start()
    for p in people:
        p.join()
    assert failed == []
    assert len(built) == 1 and len(pages) == 8
    assert all(p == pages[0] for p in pages)


def test_the_kept_pages_and_writes_stay_few(shop: dict[str, Any], portal_clock: FixedClock,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metric_store, "MAX_PAGES", 3)
    for day in range(6):
        query = Query(SINCE, UNTIL - timedelta(days=day))
        metric_store.page(query, "/b/", lambda q=query: build(q, "/b/"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projections_product SET category = category")
        # Made stale by the write, the pages are kept a minute (they may still be shown).
        metric_store.prune()
        cursor.execute("SELECT count(*) FROM staff_metricpage")
        assert cursor.fetchone()[0] == 3
        portal_clock.set(portal_clock.now() + metric_store.BEHIND + timedelta(seconds=1))
        metric_store.page(_query(), "/b/", lambda: build(_query(), "/b/"))
        cursor.execute("SELECT count(*) FROM staff_metricpage")
        assert cursor.fetchone()[0] <= 3
        # Every page older than the write above went; the one built after it sees it.
        cursor.execute("SELECT count(*) FROM staff_metricwrite")
        assert cursor.fetchone()[0] == 0
        # And no more bytes than MAX_BYTES: the newest page alone when two do not fit.
        cursor.execute("SELECT octet_length(page) FROM staff_metricpage")
        size = cursor.fetchone()[0]
        monkeypatch.setattr(metric_store, "MAX_BYTES", size + size // 2)
        for day in range(2):
            query = Query(SINCE + timedelta(days=day), UNTIL)
            metric_store.page(query, "/b/", lambda q=query: build(q, "/b/"))
        cursor.execute("SELECT count(*) FROM staff_metricpage")
        assert cursor.fetchone()[0] == 1


def test_a_year_on_the_clock_changes_nothing(shop: dict[str, Any],
                                             portal_clock: FixedClock) -> None:
    portal_clock.set(portal_clock.now() + timedelta(days=366))
    built, make = _counting()
    query = _query()
    first = metric_store.page(query, "/b/", make(query))
    assert metric_store.page(query, "/b/", make(query)) == first and len(built) == 1
    browser, _ = signed_in("admin")
    assert browser.get(PATH).status_code == 200


def test_a_projected_event_changes_the_next_page(
        live_portal: LivePortal, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A till's sale, pushed to the live portal and projected, is on the next page."""
    from portal.projections import projector

    branch = register()
    _home, db = till(tmp_path_factory.mktemp("till"), branch)
    owner, sales = actor(Role.OWNER), actor(Role.SALES)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Kettles 12",
                                                          manufacturer_months=12))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="MS-KET", name="Kettlo", brand="Kettlo", category="kettles", policy="Kettles 12",
        list_price_minor=4_900, serial_required=False)])

    def sell(invoice: str) -> None:
        record_sale(db, sales, SaleInput(invoice, TODAY, (LineInput("MS-KET", 1, 4_900),),
                                         CustomerInput("Bo Lindqvist", phone="+44 20 7946 0102")))
        push_all(db, live_portal, branch)
        projector.catch_up(branch.pk)

    sell("INV-MS1")
    query = Query(TODAY, TODAY, {"branch": branch.code})
    built, make = _counting()
    assert _value(_exact(query, make), "activations") == 1
    assert _value(_exact(query, make), "activations") == 1
    sell("INV-MS2")
    assert _value(_exact(query, make), "activations") == 2
    assert len(built) == 2


def test_the_log_of_writes_is_emptied_with_no_page_opened(shop: dict[str, Any]) -> None:
    """Writes with nobody opening the metric page: the quarter-hourly job empties their log
    (it was emptied only after a build, so it grew for as long as nobody looked)."""
    from procrastinate.contrib.django import app

    from portal.staff import tasks

    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("UPDATE projections_product SET category = category")
        cursor.execute("SELECT count(*) FROM staff_metricwrite")
        assert cursor.fetchone()[0] >= 3
        tasks.prune_metric_store(timestamp=0)
        cursor.execute("SELECT count(*) FROM staff_metricwrite")
        assert cursor.fetchone()[0] == 0
    periodic = app.periodic_registry.periodic_tasks[("portal.staff.prune_metric_store",
                                                     "metric-store")]
    assert periodic.cron == tasks.EVERY
