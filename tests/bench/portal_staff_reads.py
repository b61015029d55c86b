"""Head office's staff at a million warranties, for tests.bench.portal_scale: the read models
topped up and shaped for the metric page, a signed-in admin, the serial search beside its
SELECT, and 20 people going round the staff pages and the metric pages at once."""

from __future__ import annotations

import http.client
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from urllib.parse import quote

from tests.bench import harness
from tests.bench.harness import Stats

USERS = 20
ROUNDS = 8
# A person reads a page before opening the next: about a second here, which is quick.
THINK_S = (0.5, 1.5)
# The metric page over 90 days that hold every pushed sale (the pushed claims are all still
# open, so every range from their first day holds them); its default range (the last 28 days)
# holds those claims and no sale. Products are given one of BRANDS brands.
METRIC_RANGE = "since=2025-11-03&until=2026-01-31"
BRANDS = 5


def ms(times: list[float]) -> Stats:
    """Seconds taken, as milliseconds' statistics."""
    return harness.stats([t * 1000 for t in times])


def get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> float:
    """Seconds a GET took on a kept-alive connection; anything but 200 stops the bench."""
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    answer = conn.getresponse()
    body = answer.read()
    took = time.perf_counter() - start
    if answer.status != 200:
        raise SystemExit(f"GET {path} answered {answer.status}: {body[:300]!r}")
    return took


def connection(port: int) -> http.client.HTTPConnection:
    """A keep-alive connection to the served portal on loopback."""
    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def top_up(target: int) -> int:
    """Write more warranties of the same shape into the read models until there are `target`
    (customers, two layers each, a product per branch); how many were added.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT branch_id) FROM projections_warranty")
        have, branches = cursor.fetchone()  # type: ignore[misc]
        per_branch = max(0, -(-(target - have) // max(1, branches)))
        if per_branch == 0:
            return 0
        cursor.execute("""
            INSERT INTO projections_product (branch_id, sku, name)
            SELECT id, 'OLD-1', 'Older phone' FROM branches_branch""")
        cursor.execute("""
            INSERT INTO projections_customer (branch_id, reference, name, phone, phone_digits,
                                              email, segment, seq)
            SELECT b.id, b.code || '-H' || g, 'Earlier customer ' || b.code || ' ' || g,
                   '+4421' || lpad(g::text, 8, '0'), '4421' || lpad(g::text, 8, '0'),
                   'h' || g || '@' || lower(b.code) || '.example', 'retail', 1
            FROM branches_branch b CROSS JOIN generate_series(1, %s) g""",
                       [-(-per_branch // 4)])
        cursor.execute("""
            INSERT INTO projections_warranty (branch_id, code, serial, product_id, customer_id,
                invoice, status, start_on, end_on, void_reason, replaced_by, seq)
            SELECT b.id, b.code || '-W-2024-' || lpad(g::text, 6, '0'),
                   'SNH' || b.code || lpad(g::text, 7, '0'), p.id, c.id,
                   b.code || '-I-H' || (g / 3), 'active', DATE '2024-01-01' + (g %% 700),
                   DATE '2025-12-31' + (g %% 700), '', '', 1
            FROM branches_branch b CROSS JOIN generate_series(1, %s) g
            JOIN projections_product p ON p.branch_id = b.id AND p.sku = 'OLD-1'
            JOIN projections_customer c ON c.branch_id = b.id
                 AND c.reference = b.code || '-H' || ((g + 3) / 4)""", [per_branch])
        added = cursor.rowcount
        cursor.execute("""
            INSERT INTO projections_warrantylayer (warranty_id, position, kind, start_on,
                                                   end_on, plan)
            SELECT w.id, l.position, l.kind,
                   CASE l.position WHEN 0 THEN w.start_on ELSE w.start_on + 365 END,
                   CASE l.position WHEN 0 THEN w.start_on + 364 ELSE w.end_on END, ''
            FROM projections_warranty w
            CROSS JOIN (VALUES (0, 'manufacturer'), (1, 'shop')) AS l(position, kind)
            WHERE w.code LIKE '%%-W-2024-%%'""")
        cursor.execute("ANALYZE")
    return int(added)


def shape_for_metrics() -> None:
    """What the metric page filters and counts by, written straight into the read models as the
    tills would have sent it: every product one of BRANDS brands (the pushed history names
    none), and the warranties written directly sold on their first day (the handler's rule)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE projections_product SET brand = 'Brand ' || (id %% %s) "
                       "WHERE brand = ''", [BRANDS])
        cursor.execute("UPDATE projections_warranty SET sold_on = start_on "
                       "WHERE sold_on IS NULL AND start_on IS NOT NULL")
        cursor.execute("ANALYZE projections_product")


def staff_cookie() -> str:
    """A signed-in head-office admin's session, as the browser would send it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from portal.staff.services import add_staff

    member, _ = add_staff(f"bench-{secrets.token_hex(3)}@office.example", "admin")
    session = SessionStore()
    session[SESSION_KEY] = str(member.user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = member.user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def search_serial(port: int, cookie: str, serials: list[str], url: str
                  ) -> tuple[Stats, Stats]:
    """The staff search page for a serial, one person (median); the floor is its indexed
    SELECT on one open connection.
    """
    import psycopg

    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https"}
    conn = connection(port)
    for found in serials[:5]:
        get(conn, f"/office/search/?q={found}", headers)
    page = [get(conn, f"/office/search/?q={found}", headers) for found in serials]
    conn.close()
    floor = []
    with psycopg.connect(url) as db:
        for found in serials:
            start = time.perf_counter()
            db.execute("SELECT * FROM projections_warranty WHERE code = %s OR serial = %s "
                       "ORDER BY branch_id, code LIMIT 50", [found, found]).fetchall()
            floor.append(time.perf_counter() - start)
    return ms(page), ms(floor)


# The staff pages 20 people go round, and head office's metrics across branches (issue 19)
# as staff open and filter it, measured in a phase of their own: a page that takes seconds
# would otherwise hold the workers the other pages need, and no line would say its own page.
STAFF_PAGES: dict[str, Callable[[dict[str, str]], str]] = {
    "sync health (all branches)": lambda p: "/office/",
    "branch health page": lambda p: f"/office/branches/{p['branch']}/",
    "search a serial": lambda p: f"/office/search/?q={quote(p['serial'])}",
    "search a name": lambda p: f"/office/search/?q={quote(p['name'])}",
    "claim page": lambda p: f"/office/claims/{p['branch']}/{p['claim']}/",
    "customer page": lambda p: f"/office/customers/{p['branch']}/{p['customer']}/",
    "warranty page": lambda p: f"/office/warranties/{p['branch']}/{p['warranty']}/",
    "public check page": lambda p: f"/w/{p['warranty']}",
}
METRIC_PAGES: dict[str, Callable[[dict[str, str]], str]] = {
    "metrics (default: 28 days)": lambda p: "/office/metrics/",
    "metrics, 90 days of sales": lambda p: f"/office/metrics/?{METRIC_RANGE}",
    "metrics, 90 days, one brand": lambda p: f"/office/metrics/?{METRIC_RANGE}&brand="
                                             f"{quote(p['brand'])}",
    "metrics, 90 days, compare by brand": lambda p: f"/office/metrics/?{METRIC_RANGE}&by=brand",
}
# Rounds of the metric pages: each page takes seconds at a million warranties today.
METRIC_ROUNDS = 2


def pages(port: int, cookie: str, picks: list[dict[str, str]], *, rounds: int = ROUNDS,
          think: tuple[float, float] = THINK_S,
          names: dict[str, Callable[[dict[str, str]], str]] | None = None
          ) -> dict[str, Stats]:
    """20 people at once, each going round the pages (the staff pages unless `names`) a page
    a second or so; p95 per page. (One round with no pause first warms every app worker, as
    a server in use is.)
    """
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https"}
    names = STAFF_PAGES if names is None else names
    times: dict[str, list[float]] = {name: [] for name in names}
    lock = threading.Lock()

    def person(n: int) -> None:
        rng = random.Random(n)
        # People are already at work, not all clicking at one instant: each starts at a
        # moment of their own within the first pause.
        time.sleep(rng.uniform(0, think[1]))
        conn = connection(port)
        for _ in range(rounds):
            pick = rng.choice(picks)
            for name, path in names.items():
                took = get(conn, path(pick), headers)
                with lock:
                    times[name].append(took)
                time.sleep(rng.uniform(*think))
        conn.close()

    with ThreadPoolExecutor(USERS) as pool:
        list(pool.map(person, range(USERS)))
    return {name: ms(t) for name, t in times.items()}


def picks(count: int) -> list[dict[str, str]]:
    """Records staff open: pushed claims with their warranty and customer."""
    from portal.projections.models import Claim

    rows = (Claim.objects.select_related("branch", "warranty", "customer")
            .exclude(warranty=None).exclude(customer=None).order_by("?")[:count])
    return [{"branch": c.branch.code, "claim": c.number, "warranty": c.warranty.code,
             "serial": c.warranty.serial, "customer": c.customer.reference,
             "name": c.customer.name, "brand": f"Brand {n % BRANDS}"}
            for n, c in enumerate(rows) if c.warranty is not None and c.customer is not None]


@contextmanager
def writing(every_s: float) -> Iterator[list[int]]:
    """A write every `every_s` to a table the metric pages read, each in its own transaction
    (a warranty's row, as a projected chunk of a branch's push touches it), until the block
    ends; how many were made."""
    from django.db import connection, transaction

    done, stop = [0], threading.Event()

    def write() -> None:
        rng = random.Random(7)
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) FROM projections_warranty")
            low, high = cursor.fetchone()
        while not stop.wait(every_s):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("UPDATE projections_warranty SET seq = seq + 1 WHERE id = %s",
                               [rng.randint(low, high)])
            done[0] += 1
        connection.close()

    writer = threading.Thread(target=write, name="writes")
    writer.start()
    try:
        yield done
    finally:
        stop.set()
        writer.join()
