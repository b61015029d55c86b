"""Budget (DESIGN.md): push 100k outbox events to the real portal on loopback in ≤ 1.1x the time
raw requests take to post the same batches, memory flat.

The events are real outbox rows: the first N rows (in seq order) that `warranty-desk
demo-data` wrote into the cached benchmark shop, copied with their ids, topics, payloads and
times into a fresh migrated database when the shop was built (before its own nightly sync
pruned them; tests/bench/shop.py), so the push starts from an empty cursor. Each run
pushes a fresh copy of that database with the real
engine (`SyncEngine.push_once` over a `PortalDestination`: batches of 500, the cursor and
ledger committed durably after every answer).

The portal is the real one (gunicorn and PostgreSQL, tests/liveportal), in processes of its
own: their CPU is not the engine's. Before each run branch BR01 is registered afresh and its
earlier events deleted, so every run is answered "accepted" alike.

The floor is raw `requests` on one keep-alive session POSTing the same events, encoded the
same way, in batches of the same size (500, seq order) to the same server, with the bodies
built before the clock starts: what any client pays for the round trips and the server.

Memory: RSS is sampled from /proc/self/status during each timed run (growth over the run;
it includes SQLite's 64 MiB page cache, see warranty_desk.storage.database.PRAGMAS), and one
more run under tracemalloc gives the Python heap's peak. Flat means the heap peak stays
under HEAP_LIMIT_MIB whatever N is: the engine holds a window of 4 batches, never the outbox.
"""

from __future__ import annotations

import json
import resource
import secrets
import shutil
import sqlite3
import sys
import threading
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from sync.engine import SyncEngine
from sync.http import HttpClient
from sync.portal import MAX_BATCH, PortalDestination
from tests.bench.harness import Result, stats
from tests.bench.shop import TODAY
from tests.liveportal.branch_view import BranchPortal
from tests.sync.chaos_proxy import ChaosProxy
from warranty_desk.clock import FixedClock
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

BUDGET_RATIO = 1.1
# The engine keeps 4 batches of 500 events in memory (a few MiB); 100k events held at once
# would be well over 100 MiB.
HEAP_LIMIT_MIB = 48.0
_MIB = 1024 * 1024
_COLUMNS = "seq, id, topic, aggregate, aggregate_id, payload, created_at"


# --- The real portal, in its own processes -------------------------------------------------


class _Portal:
    """The real portal: gunicorn on the private PostgreSQL cluster, branch BR01 registered
    afresh (with a new token) on every reset, its earlier events deleted."""

    def __init__(self, stack: ExitStack, scratch: Path) -> None:
        from tests.liveportal.served import (
            database_copy,
            serving,
            started_cluster,
            use_database,
        )

        pg = stack.enter_context(started_cluster())
        db = stack.enter_context(database_copy(pg, f"portal_bench_{secrets.token_hex(4)}"))
        use_database(db.name)
        live = stack.enter_context(serving(db, scratch / "gunicorn.log", threads=4))
        self.url = live.url
        self._branch: BranchPortal | None = None
        stack.callback(self._retire)
        self.reset()

    @property
    def token(self) -> str:
        assert self._branch is not None
        return self._branch.token

    def _retire(self) -> None:
        if self._branch is not None:
            self._branch.retire()
            self._branch = None

    def reset(self) -> None:
        from portal.branches.services import register_branch

        self._retire()
        branch, token = register_branch("BR01")
        # No proxy is started: the till talks to gunicorn directly, as it would in a shop.
        self._branch = BranchPortal(ChaosProxy(self.url), self.url, branch.code, token,
                                    branch.pk, [branch.pk])

    def stored(self) -> int:
        """Events head office stored from the branch since the last reset."""
        assert self._branch is not None
        return len(self._branch.event_ids())


@contextmanager
def portal_process(scratch: Path) -> Iterator[_Portal]:
    """The real portal served on loopback, stopped (and its database dropped) on exit."""
    with ExitStack() as stack:
        yield _Portal(stack, scratch)


class _Counting(HttpClient):
    """The till's client, counting its requests."""

    sent = 0

    def request(self, method: str, path: str, **kw: Any) -> Any:
        self.sent += 1
        return super().request(method, path, **kw)


# --- The events ----------------------------------------------------------------------------


def build_outbox(shop_db: Path, folder: Path, count: int) -> tuple[Path, int]:
    """A fresh migrated database holding the shop's first `count` outbox rows; (file, rows)."""
    from warranty_desk.services import setup

    home = Home(folder).ensure()
    db, _ = setup.init(home, clock=FixedClock.on(TODAY))
    db.dispose()
    conn = sqlite3.connect(home.database, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS shop", (f"{shop_db.resolve().as_uri()}?mode=ro",))
        conn.execute("BEGIN")
        conn.execute(f"INSERT INTO main.outbox_events ({_COLUMNS}) SELECT {_COLUMNS} "
                     "FROM shop.outbox_events ORDER BY seq LIMIT ?", (count,))
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE shop")
        rows: int = conn.execute("SELECT count(*) FROM outbox_events").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return home.database, rows


def _iso(text: str) -> str:
    # As the engine sends it: the stored UTC time, made aware, in isoformat.
    from datetime import UTC

    at = datetime.fromisoformat(text)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat()


def floor_bodies(path: Path, batch: int = MAX_BATCH) -> list[bytes]:
    """The outbox as push bodies, encoded as PortalDestination encodes them, in seq order."""
    bodies: list[bytes] = []
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM outbox_events ORDER BY seq")
        while chunk := rows.fetchmany(batch):
            events = [{"id": str(uuid.UUID(bytes=bytes(uid))), "seq": seq, "topic": topic,
                       "aggregate": aggregate, "aggregate_id": aggregate_id,
                       "occurred_at": _iso(created_at), "payload": json.loads(payload)}
                      for seq, uid, topic, aggregate, aggregate_id, payload, created_at in chunk]
            bodies.append(json.dumps({"events": events}, separators=(",", ":"),
                                     ensure_ascii=False).encode())
    finally:
        conn.close()
    return bodies


# --- Measuring -----------------------------------------------------------------------------


def _rss() -> int:
    """This process's resident memory in bytes now (Linux), else its lifetime peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


class _RssPeak:
    """Samples RSS every 20 ms on a thread while a run lasts: the growth over its start."""

    def __init__(self) -> None:
        self.start = _rss()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss())

    def growth(self) -> int:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())
        return self.peak - self.start


def _engine_push(template: Path, folder: Path, portal: _Portal, expected: int
                 ) -> Callable[[], int]:
    """A fresh copy of the outbox, ready; the returned call pushes it all and says how many
    requests it took."""
    home = Home(folder).ensure()
    for stale in home.root.glob("warranty-desk.sqlite3*"):
        stale.unlink()
    shutil.copyfile(template, home.database)

    def push() -> int:
        db = Database(home.database, clock=FixedClock.on(TODAY))
        token = portal.token
        client = _Counting(portal.url, lambda: token)
        try:
            report = SyncEngine(db, [PortalDestination(client, "BR01")]).push_once()
        finally:
            client.close()
            db.dispose()
        if report.errors or report.delivered != expected or report.pending:
            raise RuntimeError(f"The push did not deliver everything: {report}")
        return client.sent

    return push


def _floor_push(bodies: list[bytes], url: str, token: str) -> None:
    with requests.Session() as session:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                   "Content-Type": "application/json"}
        for body in bodies:
            response = session.post(f"{url}/branches/BR01/events", data=body, headers=headers,
                                    timeout=30)
            if response.status_code != 200 or not response.json()["results"]:
                raise RuntimeError(f"The floor push failed: {response.status_code}")


def run(template: Path, *, runs: int, scratch: Path) -> Result:
    """Push the template's outbox `runs` times with the engine and with raw requests."""
    conn = sqlite3.connect(template)
    try:
        count: int = conn.execute("SELECT count(*) FROM outbox_events").fetchone()[0]
    finally:
        conn.close()
    engine_ms: list[float] = []
    rss_growth: list[int] = []
    with portal_process(scratch) as portal:
        for n in range(runs):
            portal.reset()
            push = _engine_push(template, scratch / f"run-{n}", portal, count)
            sampler = _RssPeak()
            started = time.perf_counter()
            requests_sent = push()
            engine_ms.append((time.perf_counter() - started) * 1000)
            rss_growth.append(sampler.growth())
            stored = portal.stored()
            if stored != count:
                raise RuntimeError(f"The portal stored {stored} of {count} events.")
            shutil.rmtree(scratch / f"run-{n}")
        # One more run under tracemalloc, untimed (tracing slows Python down): the heap's peak.
        portal.reset()
        push = _engine_push(template, scratch / "traced", portal, count)
        tracemalloc.start()
        try:
            push()
            heap_peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        shutil.rmtree(scratch / "traced")
        bodies = floor_bodies(template)
        floor_ms: list[float] = []
        for _ in range(runs):
            portal.reset()
            started = time.perf_counter()
            _floor_push(bodies, portal.url, portal.token)
            floor_ms.append((time.perf_counter() - started) * 1000)
            if portal.stored() != count:
                raise RuntimeError("The floor push did not store every event.")
    measured, floor = stats(engine_ms), stats(floor_ms)
    heap_mib = heap_peak / _MIB
    flat = heap_mib <= HEAP_LIMIT_MIB
    return Result(
        name=f"push {count:,} outbox events to the real portal",
        budget=f"≤ {BUDGET_RATIO:g}x the floor, memory flat", measured=measured, floor=floor,
        floor_name="raw requests: same events, batches of 500, one session",
        passed=measured.median_ms <= BUDGET_RATIO * floor.median_ms and flat,
        extra={"events": count, "engine_requests": requests_sent, "floor_requests": len(bodies),
               "events_per_second": round(count / (measured.median_ms / 1000)),
               "heap_peak_mib": round(heap_mib, 1), "heap_limit_mib": HEAP_LIMIT_MIB,
               "rss_growth_mib": round(max(rss_growth) / _MIB, 1),
               "rss_growth_runs_mib": [round(g / _MIB, 1) for g in rss_growth],
               "memory_flat": flat,
               "source": "first N outbox rows of the demo-data shop, copied into a fresh "
                         "migrated database"})



