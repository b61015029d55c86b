"""`make bench`, head office at scale: 200 branches push 5,000 events each (1M) at once through
the real HTTP API into PostgreSQL, and staff read the result.

    python -m tests.bench.portal_scale          # BENCH_PORTAL_SCALE=0.05 for a 5 % run

What runs is what production runs: `warranty-desk-portal migrate`, `serve` (gunicorn, 4 workers
of 4 threads, the production settings profile) and `worker` (projection, 2 jobs at once), on
a PostgreSQL cluster of its own in .bench-cache/ with durable settings (fsync and synchronous
commit on, unlike the tests' throwaway cluster). Every branch is a thread with one keep-alive
connection pushing batches of 500 in order, the till's way.

Measured: events per second stored; the time until every event is projected; the peak memory
(PSS) of the app, the worker and PostgreSQL; events lost or stored twice and read-model rows
missing or made twice (all must be 0); beside it the raw floor, psycopg COPY of the same rows
into a copy of the same schema. Then, with 1M warranties at head office (the pushed ones and,
to reach the number, more of the same shape written straight into the read models): finding
a serial across branches on the staff search page (median, budget 20 ms) beside the floor of
its one indexed SELECT, and the sync health page and the other staff pages at p95 with 20
people using them at once (budget 150 ms); then 50 signed-in customers at once on their
products and a claim timeline, beside the SELECTs behind those pages (portal_customers, budget
p95 150 ms). Budget for storing and projecting 1M events: 10
minutes on this 2-core machine. Prints one table; writes tests/bench/portal_results.json.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from portal.devdb import Cluster
from tests.bench import compare, harness, portal_customers, portal_load
from tests.bench.harness import Stats

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".bench-cache" / "portal"
BRANCHES = 200
EVENTS_PER_BRANCH = 5_000
WARRANTIES = 1_000_000
INGEST_BUDGET_S = 600.0
SEARCH_BUDGET_MS = 20.0
PAGE_BUDGET_MS = 150.0
USERS = 20
ROUNDS = 8
# A person reads a page before opening the next: about a second here, which is quick.
THINK_S = (0.5, 1.5)
SEARCHES = 200
START = date(2026, 1, 5)
# The metric page over 90 days that hold every pushed sale (the pushed claims are all still
# open, so every range from their first day holds them); its default range (the last 28 days)
# holds those claims and no sale. Products are given one of BRANDS brands.
METRIC_RANGE = "since=2025-11-03&until=2026-01-31"
BRANDS = 5
# A production-like server: durable commits; memory sized for a 24 GB machine shared with
# the app and the worker.
PG_SETTINGS = ("fsync=on", "synchronous_commit=on", "full_page_writes=on",
               "max_connections=300", "shared_buffers=1GB", "effective_cache_size=8GB",
               "work_mem=16MB", "maintenance_work_mem=256MB", "max_wal_size=8GB",
               "checkpoint_timeout=15min", "wal_compression=on")
DATABASE, FLOOR_DATABASE = "portal_bench", "portal_bench_floor"


def scale() -> float:
    """BENCH_PORTAL_SCALE: 1 is the full million; 0.05 a twentieth, for working on it."""
    value = float(os.environ.get("BENCH_PORTAL_SCALE", "1") or 1)
    if not 0 < value <= 1:
        raise SystemExit("BENCH_PORTAL_SCALE is a fraction of the full run: above 0, at most 1.")
    return value


@dataclass
class Portal:
    """The served portal and its worker, on the bench database."""

    cluster: Cluster
    env: dict[str, str]
    port: int
    logs: Path


def _env(cluster: Cluster, work: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "PORTAL_DATABASE_URL": cluster.url(DATABASE),
            "PORTAL_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
            "PORTAL_ALLOWED_HOSTS": "127.0.0.1", "PORTAL_SSL_REDIRECT": "false",
            "PORTAL_STATIC_ROOT": str(work / "static"), "PORTAL_MEDIA_ROOT": str(work / "media")}


def _portal(*args: str) -> list[str]:
    return [sys.executable, "-m", "portal.cli", *args]


def _ms(times: list[float]) -> Stats:
    return harness.stats([t * 1000 for t in times])


# -- the raw floor ------------------------------------------------------------------------


def copy_floor(cluster: Cluster, branches: dict[str, int],
               rows: dict[str, list[portal_load.Row]]) -> float:
    """Seconds to COPY every row into a copy of the migrated schema (its partitions made)."""
    import psycopg

    from portal.receiver import partitions

    cluster.createdb(FLOOR_DATABASE, template=DATABASE)
    # Ids grow with time: a branch's first and last id bound the months it needs.
    months = {partitions.month_of(uuid.UUID(r.id)) for rs in rows.values()
              for r in (rs[0], rs[-1])}
    try:
        with psycopg.connect(cluster.url(FLOOR_DATABASE), autocommit=True) as conn:
            for month in sorted(months):
                conn.execute(partitions.create_sql(month))  # type: ignore[arg-type]
            now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
            start = time.perf_counter()
            with conn.transaction(), conn.cursor() as cur, cur.copy(
                    "COPY receiver_event (id, branch_id, received_no, seq, topic, aggregate, "
                    "aggregate_id, occurred_at, received_at, payload) FROM STDIN") as copy:
                for code, branch_rows in rows.items():
                    for r in branch_rows:
                        copy.write_row((r.id, branches[code], r.seq, r.seq, r.topic, r.aggregate,
                                        r.aggregate_id, r.occurred_at, now, r.payload))
            return time.perf_counter() - start
    finally:
        cluster.dropdb(FLOOR_DATABASE)


# -- ingest and projection ----------------------------------------------------------------


def ingest(portal: Portal, tokens: dict[str, str], batches: dict[str, list[bytes]],
           expected: int) -> dict[str, Any]:
    """Every branch pushes at once; timed until all is stored, then until all is projected."""
    from django.db import connection

    tally = portal_load.Tally()
    threads = [threading.Thread(target=portal_load.push_branch,
                                args=(portal.port, code, tokens[code], batches[code], tally))
               for code in batches]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    stored_at: float | None = None
    while True:
        time.sleep(0.5)
        if stored_at is None and not any(t.is_alive() for t in threads):
            stored_at = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM branches_branch b LEFT JOIN "
                           "projections_projectioncursor c ON c.branch_id = b.id "
                           "WHERE coalesce(c.received_no, 0) < b.events_received")
            behind = cursor.fetchone()[0]  # type: ignore[index]
        if stored_at is not None and behind == 0:
            projected_at = time.perf_counter()
            break
        if time.perf_counter() - start > 4 * INGEST_BUDGET_S:
            raise SystemExit(f"Not projected after {4 * INGEST_BUDGET_S:.0f} s; see "
                             f"{portal.logs}.")
        if tally.failures:
            raise SystemExit("Pushes failed:\n" + "\n".join(tally.failures[:10]))
    return {"stored_s": stored_at - start, "projected_s": projected_at - start,
            "answers": dict(tally.statuses), "batches_resent": tally.resent,
            "events": expected}


def check_counts(branches: dict[str, int], per_branch: int,
                 rows: dict[str, list[portal_load.Row]]) -> dict[str, int]:
    """Events lost or stored twice, read-model rows missing or made twice (all must be 0)."""
    from django.db import connection

    want = {"customer": 0, "warranty": 0, "layer": 0, "claim": 0, "timeline": 0,
            "document": 0}
    for branch_rows in rows.values():
        for r in branch_rows:
            kind = {"customer.created": ("customer",), "warranty.activated": ("warranty",),
                    "claim.opened": ("claim", "timeline"), "claim.status_changed":
                    ("timeline",), "claim.evidence_added": ("timeline", "document")}.get(
                r.topic, ())
            for k in kind:
                want[k] += 1
            if r.topic == "warranty.activated":
                want["layer"] += 2
            if r.topic == "warranty.extended":
                want["layer"] += 1
    queries = {
        "customer": "SELECT count(*) FROM projections_customer",
        "warranty": "SELECT count(*) FROM projections_warranty",
        "layer": "SELECT count(*) FROM projections_warrantylayer",
        "claim": "SELECT count(*) FROM projections_claim",
        "timeline": "SELECT count(*) FROM projections_claimevent",
        "document": "SELECT count(*) FROM projections_claimdocument",
    }
    lost = duplicated = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT id) FROM receiver_event")
        stored, distinct = cursor.fetchone()  # type: ignore[misc]
        cursor.execute("SELECT coalesce(sum(applied + skipped), 0) FROM "
                       "projections_projectioncursor")
        projected = cursor.fetchone()[0]  # type: ignore[index]
        cursor.execute("SELECT count(*) FROM projections_projectionproblem")
        problems = cursor.fetchone()[0]  # type: ignore[index]
        counts = {}
        for kind, sql in queries.items():
            cursor.execute(sql)
            counts[kind] = cursor.fetchone()[0]  # type: ignore[index]
    total = per_branch * len(branches)
    lost += max(0, total - distinct) + max(0, total - projected)
    duplicated += (stored - distinct) + max(0, distinct - total) + max(0, projected - total)
    for kind, n in counts.items():
        lost += max(0, want[kind] - n)
        duplicated += max(0, n - want[kind])
    return {"events_lost": max(0, total - distinct), "lost": lost, "duplicated": duplicated,
            "problems": problems, **{f"{k}_rows": v for k, v in counts.items()}}


# -- reads at a million warranties --------------------------------------------------------


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


def _get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> float:
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    answer = conn.getresponse()
    body = answer.read()
    took = time.perf_counter() - start
    if answer.status != 200:
        raise SystemExit(f"GET {path} answered {answer.status}: {body[:300]!r}")
    return took


def _connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def search_serial(port: int, cookie: str, serials: list[str], cluster: Cluster
                  ) -> tuple[Stats, Stats]:
    """The staff search page for a serial, one person (median); the floor is its indexed
    SELECT on one open connection.
    """
    import psycopg

    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https"}
    conn = _connection(port)
    for found in serials[:5]:
        _get(conn, f"/office/search/?q={found}", headers)
    page = [_get(conn, f"/office/search/?q={found}", headers) for found in serials]
    conn.close()
    floor = []
    with psycopg.connect(cluster.url(DATABASE)) as db:
        for found in serials:
            start = time.perf_counter()
            db.execute("SELECT * FROM projections_warranty WHERE code = %s OR serial = %s "
                       "ORDER BY branch_id, code LIMIT 50", [found, found]).fetchall()
            floor.append(time.perf_counter() - start)
    return _ms(page), _ms(floor)


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
        conn = _connection(port)
        for _ in range(rounds):
            pick = rng.choice(picks)
            for name, path in names.items():
                took = _get(conn, path(pick), headers)
                with lock:
                    times[name].append(took)
                time.sleep(rng.uniform(*think))
        conn.close()

    with ThreadPoolExecutor(USERS) as pool:
        list(pool.map(person, range(USERS)))
    return {name: _ms(t) for name, t in times.items()}


def picks(count: int) -> list[dict[str, str]]:
    """Records staff open: pushed claims with their warranty and customer."""
    from portal.projections.models import Claim

    rows = (Claim.objects.select_related("branch", "warranty", "customer")
            .exclude(warranty=None).exclude(customer=None).order_by("?")[:count])
    return [{"branch": c.branch.code, "claim": c.number, "warranty": c.warranty.code,
             "serial": c.warranty.serial, "customer": c.customer.reference,
             "name": c.customer.name, "brand": f"Brand {n % BRANDS}"}
            for n, c in enumerate(rows) if c.warranty is not None and c.customer is not None]


# -- the run ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The portal exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"The portal did not listen within 60 s; see {log}.")


def _start(cluster: Cluster, work: Path, env: dict[str, str]
           ) -> tuple[Portal, subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    serve = subprocess.Popen(_portal("serve", "--port", str(port), "--workers", "4",
                                     "--threads", "4"), env=env,
                             stdout=(logs / "serve.log").open("wb"), stderr=subprocess.STDOUT)
    worker = subprocess.Popen(_portal("worker", "--concurrency", "2"), env=env,
                              stdout=(logs / "worker.log").open("wb"),
                              stderr=subprocess.STDOUT)
    portal = Portal(cluster, env, port, logs)
    _wait_for_port(port, serve, logs / "serve.log")
    return portal, serve, worker


def _stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def reads(portal: Portal, cluster: Cluster, branches: list[str], per_branch: int,
          target: int) -> dict[str, Any]:
    """Staff at a million warranties: the read models topped up to `target`, vacuumed and
    checkpointed as a settled server is, then the serial search alone and 20 people at once.
    """
    from django.db import connection

    print("Reads at scale…", file=sys.stderr)
    added = top_up(target)
    shape_for_metrics()
    with connection.cursor() as cursor:
        # What autovacuum and the checkpointer do after a big load, done before timing
        # rather than during it.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    cookie = staff_cookie()
    chosen = picks(200)
    serials = [p["serial"] for p in chosen][:SEARCHES]
    # And serials of warranties no claim was made on, at any branch.
    serials += [portal_load.serial(random.choice(branches), random.randrange(per_branch // 2))
                for _ in range(SEARCHES // 4)]
    pages(portal.port, cookie, chosen, rounds=1, think=(0, 0))  # warming up
    search, search_floor = search_serial(portal.port, cookie, serials, cluster)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projections_warranty")
        warranties = cursor.fetchone()[0]  # type: ignore[index]
    staff_pages = pages(portal.port, cookie, chosen)
    print("Customers at scale…", file=sys.stderr)
    customers = portal_customers.measure(portal.port, cluster.url(DATABASE))
    # Last: a metric page a person gave up on is still worked out after it, and would hold
    # the workers the next measure needs.
    print("Metrics at scale…", file=sys.stderr)
    staff_pages.update(pages(portal.port, cookie, chosen, rounds=METRIC_ROUNDS,
                             names=METRIC_PAGES))
    return {"warranties": warranties, "warranties_written_directly": added,
            "search_serial_ms": search, "search_serial_floor_ms": search_floor,
            "pages_ms": staff_pages, **customers,
            "reads_load_average_after": os.getloadavg(),
            "reads_measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def _migrate(env: dict[str, str]) -> None:
    migrated = subprocess.run(_portal("migrate"), env=env, capture_output=True, text=True,
                              check=False)
    if migrated.returncode != 0:
        raise SystemExit(migrated.stderr[-2000:])


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update({k: v for k, v in env.items() if k.startswith(("PORTAL_", "DJANGO"))})
    import django

    django.setup()


def run(out: Path) -> dict[str, Any]:
    """The whole bench; its results (also written to `out`).

    BENCH_PORTAL_READS_ONLY=1 measures the reads again on the database the last run left
    (its ingest results are kept as they were), without pushing a million events again.
    """
    reads_only = os.environ.get("BENCH_PORTAL_READS_ONLY") == "1"
    fraction = scale()
    print(f"Load average before: {os.getloadavg()}", file=sys.stderr)
    per_branch = max(portal_load.BLOCK, round(EVENTS_PER_BRANCH * fraction))
    target = round(WARRANTIES * fraction)
    work = CACHE / "run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cluster = Cluster(CACHE / "pg", PG_SETTINGS)
    started = cluster.start()
    try:
        env = _env(cluster, work)
        if reads_only:
            data = load(out)
            _migrate(env)  # nothing to migrate: it collects the static files again
            _setup_django(env)
            portal, serve, worker = _start(cluster, work, env)
            try:
                codes = [portal_load.branch_code(n) for n in range(1, data["branches"] + 1)]
                again = reads(portal, cluster, codes, data["events_per_branch"],
                              round(WARRANTIES * data["scale"]))
                if not again["warranties_written_directly"]:
                    del again["warranties_written_directly"]  # the first run's stands
                data.update(again)
            finally:
                _stop(serve, worker)
            data["database"] = _sizes(cluster)
            write(out, data)
            return data
        cluster.dropdb(DATABASE)
        cluster.createdb(DATABASE)
        _migrate(env)
        _setup_django(env)
        from django.db import connections

        from portal.branches.services import register_branch

        print(f"Making {BRANCHES} branches' histories of {per_branch:,} events…",
              file=sys.stderr)
        tokens, branches = {}, {}
        for n in range(1, BRANCHES + 1):
            branch, token = register_branch(portal_load.branch_code(n))
            tokens[branch.code], branches[branch.code] = token, branch.pk
        rows = {code: portal_load.history(code, per_branch, START) for code in branches}
        batches = {code: portal_load.bodies(r) for code, r in rows.items()}
        connections.close_all()  # a template database must have no session open
        print("The floor: COPY of the same rows…", file=sys.stderr)
        floor_s = copy_floor(cluster, branches, rows)
        portal, serve, worker = _start(cluster, work, env)
        try:
            print("Pushing…", file=sys.stderr)
            roots = {"app (gunicorn)": serve.pid, "worker": worker.pid,
                     "PostgreSQL": _postmaster(cluster)}
            with portal_load.MemoryWatch(roots) as memory:
                pushed = ingest(portal, tokens, batches, per_branch * len(branches))
            counts = check_counts(branches, per_branch, rows)
            del rows, batches
            read = reads(portal, cluster, list(branches), per_branch, target)
        finally:
            _stop(serve, worker)
        data = {"load_average_after": os.getloadavg(), "scale": fraction,
                "branches": len(branches), "events_per_branch": per_branch,
                "floor_copy_s": floor_s, **pushed, "peak_memory_mib": memory.peak_mib,
                "counts": counts, **read, "database": _sizes(cluster)}
    finally:
        connections_close()
        if started:
            cluster.stop()
    write(out, data)
    return data


def load(out: Path) -> dict[str, Any]:
    """The results of the last run, its timings as Stats again."""
    if not out.exists():
        raise SystemExit(f"No earlier run to measure reads on: {out} is missing.")
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    data.pop("machine", None)
    for key in ("search_serial_ms", "search_serial_floor_ms"):
        data[key] = Stats(**data[key])
    for key in ("pages_ms", "customer_pages_ms", "customer_floors_ms"):
        if key in data:
            data[key] = {name: Stats(**v) for name, v in data[key].items()}
    return data


def connections_close() -> None:
    """Close Django's connections if Django was set up."""
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def _postmaster(cluster: Cluster) -> int:
    return int((cluster.data / "postmaster.pid").read_text().splitlines()[0])


def _sizes(cluster: Cluster) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]  # type: ignore[index]
    return {"bytes": int(size)}


def write(out: Path, data: dict[str, Any]) -> None:
    """results JSON with the machine."""
    def plain(value: Any) -> Any:
        if isinstance(value, Stats):
            return {"median_ms": value.median_ms, "p95_ms": value.p95_ms, "runs": value.runs,
                    "p99_ms": value.p99_ms}
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, Decimal):  # PostgreSQL's SUM and COUNT over numeric columns
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    data.setdefault("measured_at", time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    out.write_text(json.dumps({"machine": harness.machine(), **plain(data)},
                              indent=2) + "\n", encoding="utf-8")


def table(data: dict[str, Any]) -> str:
    """The table `make bench` prints for head office."""
    events = data["events"]
    full = data["scale"] == 1
    rows = [("measure", "value", "floor", "budget", "")]

    def verdict(ok: bool) -> str:
        return ("PASS" if ok else "FAIL") if full else "(scaled)"

    rate = events / data["stored_s"]
    floor_rate = events / data["floor_copy_s"]
    rows.append((f"store {events:,} events over HTTP ({data['branches']} branches at once)",
                 f"{rate:,.0f} events/s ({data['stored_s']:.0f} s)",
                 f"COPY {floor_rate:,.0f} events/s ({data['floor_copy_s']:.1f} s)", "", ""))
    budget = INGEST_BUDGET_S * data["scale"]
    rows.append(("until all are projected", f"{data['projected_s']:.0f} s", "",
                 f"≤ {budget:.0f} s", verdict(data["projected_s"] <= budget)))
    memory = data["peak_memory_mib"]
    rows.append(("peak memory (PSS)", ", ".join(f"{k} {v:,.0f} MiB" for k, v in memory.items()),
                 "", "", ""))
    counts = data["counts"]
    clean = counts["lost"] == 0 and counts["duplicated"] == 0 and counts["problems"] == 0
    rows.append(("lost / duplicated / not projectable", f"{counts['lost']} / "
                 f"{counts['duplicated']} / {counts['problems']}", "", "0 / 0 / 0",
                 "PASS" if clean else "FAIL"))
    search, floor = data["search_serial_ms"], data["search_serial_floor_ms"]
    rows.append((f"find a serial across branches ({data['warranties']:,} warranties)",
                 f"median {search.median_ms:.1f} ms, p95 {search.p95_ms:.1f} ms, "
                 f"p99 {harness.ms(search.p99_ms, 1)} ms",
                 f"SELECT {floor.median_ms:.2f} ms", f"≤ {SEARCH_BUDGET_MS:.0f} ms",
                 verdict(search.median_ms <= SEARCH_BUDGET_MS)))
    for name, stats in data["pages_ms"].items():
        rows.append((f"{name}, {USERS} people at once (a page/s each)",
                     f"p95 {stats.p95_ms:.0f} ms (median {stats.median_ms:.0f}, "
                     f"p99 {harness.ms(stats.p99_ms, 0)})", "",
                     f"≤ {PAGE_BUDGET_MS:.0f} ms", verdict(stats.p95_ms <= PAGE_BUDGET_MS)))
    rows += portal_customers.rows(data, verdict)
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def passed(data: dict[str, Any]) -> bool:
    """Every budget met, nothing lost or made twice."""
    counts = data["counts"]
    return (data["projected_s"] <= INGEST_BUDGET_S * data["scale"]
            and counts["lost"] == counts["duplicated"] == counts["problems"] == 0
            and data["search_serial_ms"].median_ms <= SEARCH_BUDGET_MS
            and all(s.p95_ms <= PAGE_BUDGET_MS for s in data["pages_ms"].values())
            and portal_customers.passed(data))


def main() -> int:
    """Run, print the table, say where the JSON went."""
    if os.environ.get("BENCH_PORTAL_METRICS_ONLY") == "1":  # the metric phase alone
        from tests.bench import portal_metrics_alone

        return portal_metrics_alone.run()
    out = Path(__file__).with_name("portal_results.json")
    was, why_not = compare.previous(out, holds="events")
    data = run(out)
    print(table(data))
    now = json.loads(out.read_text(encoding="utf-8"))  # as written: plain numbers, like `was`
    print("\n" + (compare.report(now, was, compare.portal_cases) if was is not None
          else why_not))
    print(f"\nWrote {out}", file=sys.stderr)
    return 0 if passed(data) or data["scale"] < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
