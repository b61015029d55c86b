"""One metric page's own cost at head office, statement by statement, on the bench's database.

    python -m tests.bench.portal_metric_cost            # after tests.bench.portal_scale ran once
    BENCH_METRIC_RUNS=9 BENCH_METRIC_EXPLAIN=1 python -m tests.bench.portal_metric_cost

The 20-people bench (portal_scale) says how the pages queue on 2 shared cores; this says what
one page costs alone, which is what a change to metric_counts moves: per METRIC_PAGE, the page's
build (figures included) timed in wall and process CPU time, the PostgreSQL backend's CPU time
and its parallel workers', read from /proc (the machine is shared: CPU time is what the page
itself spends; this cluster serves nobody else meanwhile), medians with
p95/p99. With BENCH_METRIC_EXPLAIN=1, every statement one build runs is explained (ANALYZE,
BUFFERS) and its execution time printed, to see which part of the page costs what.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from portal.devdb import Cluster
from tests.bench import harness
from tests.bench.portal_load import cpu_s
from tests.bench.portal_scale import CACHE, DATABASE, PG_SETTINGS, postmaster_pid
from tests.bench.portal_staff_reads import METRIC_PAGES

# The bench's production clock reads today; the default page is the 28 days up to it. Fixed
# here so two runs of this script read the same range.
TODAY = date(2026, 12, 7)


def _setup(cluster: Cluster) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["PORTAL_DATABASE_URL"] = cluster.url(DATABASE)
    os.environ["PORTAL_CLOCK_AT"] = f"{TODAY.isoformat()}T12:00:00+00:00"
    import django

    django.setup()


def _postgres_cpu_s(cluster: Cluster) -> float:
    """The CPU seconds PostgreSQL has spent for this connection: its backend's, and the
    parallel workers' that ended (counted on the postmaster, their parent, once reaped)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    postmaster = postmaster_pid(cluster)
    return cpu_s(pid) + cpu_s(postmaster, children=True)


def _query(path: str) -> Any:
    from django.http import QueryDict

    from portal.staff.metric_page import parse

    return parse(QueryDict(urlsplit(path).query))


def _label(sql: str) -> str:
    """A statement as a line: after the claims' CTE (the same in every one), what it reads."""
    flat = re.sub(r"\s+", " ", sql.strip())
    if flat.startswith("WITH cl AS"):
        flat = "cl + " + flat.split(" FROM projections_claimroll r ", 1)[1].split(")", 1)[-1]
    elif flat.startswith("WITH z AS"):  # the claims' CTE before the roll-up (migration 0015)
        flat = "cl + ..." + flat[-140:]
    return flat[:150]


def _explain(statements: list[tuple[str, Any]]) -> list[tuple[float, str]]:
    """Each statement's execution time (ms) under EXPLAIN (ANALYZE, BUFFERS), with its head."""
    from django.db import connection, transaction

    found = []
    # In one transaction, so a SET LOCAL the page runs holds for the statements after it.
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            if sql.startswith("SET "):
                cursor.execute(sql, params)
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            found.append((plan[0]["Execution Time"] + plan[0]["Planning Time"], _label(sql)))
    return found


def _keeper(statements: list[tuple[str, Any]]) -> Callable[..., Any]:
    """An execute wrapper keeping each statement with its parameters."""
    def keep(execute: Callable[..., Any], sql: str, params: Any, many: bool,
             context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)
    return keep


def measure(cluster: Cluster, runs: int, explain: bool) -> dict[str, Any]:
    from django.db import connection

    from portal.staff.metric_page import build

    out: dict[str, Any] = {}
    for name, path_of in METRIC_PAGES.items():
        query = _query(path_of({"brand": "Brand 1"}))
        wall, cpu, pg = [], [], []
        for _ in range(runs + 1):  # the first warms the caches and is not counted
            statements: list[tuple[str, Any]] = []
            keep = _keeper(statements)
            pg0, cpu0, wall0 = _postgres_cpu_s(cluster), time.process_time(), time.perf_counter()
            with connection.execute_wrapper(keep):
                build(query, "/office/metrics/behind/")
            wall.append((time.perf_counter() - wall0) * 1000)
            cpu.append((time.process_time() - cpu0) * 1000)
            pg.append((_postgres_cpu_s(cluster) - pg0) * 1000)
        out[name] = {"wall": harness.stats(wall[1:]), "python_cpu": harness.stats(cpu[1:]),
                     "postgres_cpu": harness.stats(pg[1:]), "statements": len(statements)}
        print(f"{name}: wall {out[name]['wall']}\n  python CPU {out[name]['python_cpu']}\n"
              f"  PostgreSQL CPU {out[name]['postgres_cpu']}; {len(statements)} statements",
              flush=True)
        if explain:
            for took, head in _explain(statements):
                print(f"    {took:9.1f} ms  {head}", flush=True)
    return out


def main() -> int:
    runs = int(os.environ.get("BENCH_METRIC_RUNS", "5"))
    explain = os.environ.get("BENCH_METRIC_EXPLAIN") == "1"
    cluster = Cluster(CACHE / "pg", PG_SETTINGS)
    started = cluster.start()
    try:
        _setup(cluster)
        print(f"Load average before: {os.getloadavg()}; default range "
              f"{TODAY - timedelta(days=27)}..{TODAY}", file=sys.stderr)
        measure(cluster, runs, explain)
    finally:
        if started:
            cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
