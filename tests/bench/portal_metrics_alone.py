"""The metric phase of the head-office bench alone: 20 people on the four metric pages against
the real gunicorn on the bench's 1M database, as tests.bench.portal_scale runs it last.

    BENCH_PORTAL_METRICS_ONLY=1 python -m tests.bench.portal_scale   # after one full run

Nothing is pushed and no results file is written: it migrates the database the last run left
(a new migration applies), serves it as the full run does, and prints each page's latency
(median, p95, p99) with the CPU time the app (gunicorn and its workers) and PostgreSQL spent
meanwhile, read from /proc: on a shared machine, CPU time is what the pages themselves cost.
Every kept metric page is dropped first (migrate does), so the first people build them; the
app workers are warmed first by a round of the other staff pages, as in the full run.

    BENCH_METRIC_LIVE=1 ...   # meanwhile a write a second to what the pages read

With BENCH_METRIC_LIVE=1 a thread writes once a second, each in its own transaction, to a
table the metric pages read (a warranty's row, as a projected chunk of a branch's push
touches it), as branches pushing through the day do.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from contextlib import nullcontext

from portal.devdb import Cluster
from tests.bench import portal_load
from tests.bench import portal_report as report
from tests.bench import portal_scale as scale
from tests.bench import portal_staff_reads as reads


def run() -> int:
    work = scale.CACHE / "run-metrics"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cluster = Cluster(scale.CACHE / "pg", scale.PG_SETTINGS)
    started = cluster.start()
    try:
        env = scale._env(cluster, work)
        scale._migrate(env)
        scale._setup_django(env)
        portal, serve, worker = scale._start(cluster, work, env)
        try:
            cookie = reads.staff_cookie()
            chosen = reads.picks(200)
            # As the full run: one round of the staff pages with no pause warms every app
            # worker first (the metric pages are not among them: nobody has built one yet).
            reads.pages(portal.port, cookie, chosen, rounds=1, think=(0, 0))
            print(f"Load average before: {os.getloadavg()}", file=sys.stderr)
            roots = {"app": serve.pid, "PostgreSQL": scale.postmaster_pid(cluster)}
            cpu0 = {k: portal_load.tree_cpu_s(pid) for k, pid in roots.items()}
            wall0 = time.perf_counter()
            live = os.environ.get("BENCH_METRIC_LIVE") == "1"
            with reads.writing(1.0) if live else nullcontext([0]) as wrote:
                found = reads.pages(portal.port, cookie, chosen, rounds=reads.METRIC_ROUNDS,
                                    names=reads.METRIC_PAGES)
            wall = time.perf_counter() - wall0
            cpu = {k: portal_load.tree_cpu_s(pid) - cpu0[k] for k, pid in roots.items()}
        finally:
            scale._stop(serve, worker)
    finally:
        scale.connections_close()
        if started:
            cluster.stop()
    for name, stats in found.items():
        print(f"{name}: median {stats.median_ms:.1f} ms, p95 {stats.p95_ms:.1f} ms, "
              f"p99 {stats.p99_ms} ms over {stats.runs}; budget p95 <= {report.PAGE_BUDGET_MS}")
    print(f"{reads.USERS} people, {reads.METRIC_ROUNDS} rounds: {wall:.1f} s; CPU app "
          f"{cpu['app']:.2f} s, PostgreSQL {cpu['PostgreSQL']:.2f} s; {wrote[0]} writes "
          f"meanwhile; load average after "
          f"{os.getloadavg()}")
    return 0 if all(s.p95_ms <= report.PAGE_BUDGET_MS for s in found.values()) else 1
