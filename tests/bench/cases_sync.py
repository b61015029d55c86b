"""Budget: push 100k outbox events to a loopback portal (≤ 60 s, memory flat).

The events are real outbox rows: the first N rows (in seq order) that `warranty-desk
demo-data` wrote into the cached benchmark shop, copied with their ids, topics, payloads and
times into a fresh migrated database when the shop was built (before its own nightly sync
pruned them; tests/bench/shop.py), so the push starts from an empty cursor. Each run
pushes a fresh copy of that database with the real
engine (`SyncEngine.push_once` over a `PortalDestination`: batches of 500, the cursor and
ledger committed durably after every answer).

The portal is tests/sync/portal_server.PortalServer, validating every request against the
OpenAPI file, in a separate process: its CPU is not the engine's. It forgets what it stored
between runs, so every run is answered "accepted" alike.

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
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import requests

from sync.engine import SyncEngine
from sync.http import HttpClient
from sync.portal import MAX_BATCH, PortalDestination
from tests.bench.harness import Result, stats
from tests.bench.shop import TODAY
from tests.sync.portal_server import TOKEN
from warranty_desk.clock import FixedClock
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

ROOT = Path(__file__).resolve().parents[2]
FULL_EVENTS = 100_000
BUDGET_MS_PER_100K = 60_000.0
# The engine keeps 4 batches of 500 events in memory (a few MiB); 100k events held at once
# would be well over 100 MiB.
HEAP_LIMIT_MIB = 48.0
_MIB = 1024 * 1024
_COLUMNS = "seq, id, topic, aggregate, aggregate_id, payload, created_at"


# --- The portal in its own process ---------------------------------------------------------


def _serve() -> None:
    """The child: a PortalServer on loopback; stdin lines "reset" and "count", EOF stops it."""
    from tests.sync.openapi_check import portal_api
    from tests.sync.portal_server import PortalServer

    portal_api()  # parse the spec now, not during the first timed request
    server = PortalServer().start()
    print(server.url, flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "reset":
            with server.lock:
                server.events.clear()
                server.answers.clear()
                server.batches.clear()
                server.calls.clear()
            print("ok", flush=True)
        elif command == "count":
            with server.lock:
                print(f"{len(server.events)} {len(server.batches)}", flush=True)
    server.stop()


class _PortalProcess:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.cases_sync", "--serve"], cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.url = self._ask(None)

    def _ask(self, command: str | None) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        if command is not None:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if not answer:
            raise RuntimeError("The benchmark portal process stopped.")
        return answer

    def reset(self) -> None:
        self._ask("reset")

    def stored(self) -> tuple[int, int]:
        """Events stored and push requests answered since the last reset."""
        events, batches = self._ask("count").split()
        return int(events), int(batches)

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


@contextmanager
def portal_process() -> Iterator[_PortalProcess]:
    """A loopback portal in a child process, stopped on exit."""
    portal = _PortalProcess()
    try:
        yield portal
    finally:
        portal.close()


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


def _engine_push(template: Path, folder: Path, url: str, expected: int) -> Callable[[], int]:
    """A fresh copy of the outbox, ready; the returned call pushes it all and says how many."""
    home = Home(folder).ensure()
    for stale in home.root.glob("warranty-desk.sqlite3*"):
        stale.unlink()
    shutil.copyfile(template, home.database)

    def push() -> int:
        db = Database(home.database, clock=FixedClock.on(TODAY))
        client = HttpClient(url, lambda: TOKEN)
        try:
            report = SyncEngine(db, [PortalDestination(client, "BR01")]).push_once()
        finally:
            client.close()
            db.dispose()
        if report.errors or report.delivered != expected or report.pending:
            raise RuntimeError(f"The push did not deliver everything: {report}")
        return report.delivered

    return push


def _floor_push(bodies: list[bytes], url: str) -> None:
    with requests.Session() as session:
        headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json",
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
    budget_ms = BUDGET_MS_PER_100K * count / FULL_EVENTS
    engine_ms: list[float] = []
    rss_growth: list[int] = []
    with portal_process() as portal:
        for n in range(runs):
            portal.reset()
            push = _engine_push(template, scratch / f"run-{n}", portal.url, count)
            sampler = _RssPeak()
            started = time.perf_counter()
            push()
            engine_ms.append((time.perf_counter() - started) * 1000)
            rss_growth.append(sampler.growth())
            stored, requests_sent = portal.stored()
            if stored != count:
                raise RuntimeError(f"The portal stored {stored} of {count} events.")
            shutil.rmtree(scratch / f"run-{n}")
        # One more run under tracemalloc, untimed (tracing slows Python down): the heap's peak.
        portal.reset()
        push = _engine_push(template, scratch / "traced", portal.url, count)
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
            _floor_push(bodies, portal.url)
            floor_ms.append((time.perf_counter() - started) * 1000)
            if portal.stored()[0] != count:
                raise RuntimeError("The floor push did not store every event.")
    measured = stats(engine_ms)
    heap_mib = heap_peak / _MIB
    flat = heap_mib <= HEAP_LIMIT_MIB
    return Result(
        name=f"push {count:,} outbox events to a loopback portal",
        budget=f"≤ {budget_ms:.0f} ms, memory flat", measured=measured, floor=stats(floor_ms),
        floor_name="raw requests: same events, batches of 500, one session",
        passed=measured.median_ms <= budget_ms and flat,
        extra={"events": count, "engine_requests": requests_sent, "floor_requests": len(bodies),
               "events_per_second": round(count / (measured.median_ms / 1000)),
               "heap_peak_mib": round(heap_mib, 1), "heap_limit_mib": HEAP_LIMIT_MIB,
               "rss_growth_mib": round(max(rss_growth) / _MIB, 1),
               "rss_growth_runs_mib": [round(g / _MIB, 1) for g in rss_growth],
               "memory_flat": flat,
               "source": "first N outbox rows of the demo-data shop, copied into a fresh "
                         "migrated database"})


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--serve"]:
        _serve()
        return 0
    print("This module is run by `python -m tests.bench.run`.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

