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
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from portal.devdb import Cluster
from tests.bench import compare, portal_customers, portal_load
from tests.bench.portal_report import INGEST_BUDGET_S, load, passed, table, write
from tests.bench.portal_staff_reads import (
    METRIC_PAGES,
    METRIC_ROUNDS,
    pages,
    picks,
    search_serial,
    shape_for_metrics,
    staff_cookie,
    top_up,
    writing,
)

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".bench-cache" / "portal"
BRANCHES = 200
EVENTS_PER_BRANCH = 5_000
WARRANTIES = 1_000_000
SEARCHES = 200
START = date(2026, 1, 5)
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

    from portal.staff import metric_store

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
    search, search_floor = search_serial(portal.port, cookie, serials,
                                          cluster.url(DATABASE))
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
    # Again from nothing kept, while branches push (a write a second to what they read).
    print("Metrics while branches push…", file=sys.stderr)
    metric_store.forget()
    with writing(1.0):
        live = pages(portal.port, cookie, chosen, rounds=METRIC_ROUNDS, names=METRIC_PAGES)
    staff_pages.update({f"{name}, a write a second": stats for name, stats in live.items()})
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
                     "PostgreSQL": postmaster_pid(cluster)}
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


def connections_close() -> None:
    """Close Django's connections if Django was set up."""
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def postmaster_pid(cluster: Cluster) -> int:
    return int((cluster.data / "postmaster.pid").read_text().splitlines()[0])


def _sizes(cluster: Cluster) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]  # type: ignore[index]
    return {"bytes": int(size)}



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
