"""The benchmark shops: a cached synthetic shop of a million warranties, or a tiny one.

A shop with years of history has been sending to head office all along, so the build ends as
the till's nightly timer would: the whole outbox pushed to a loopback portal, the nightly
report sent, and what head office has (older than a week) pruned and compacted away. Before
that, the first events are kept aside as the push benchmark's template.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from warranty_desk.clock import FixedClock
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".bench-cache"
TODAY = date(2026, 11, 22)
SEED = 7
# Bump when demo-data changes what it writes, so a stale cache is rebuilt rather than measured.
# (5: event ids dated by the shop's clock; 6: warranty cards name their policy; 7: claims
# owned by their opener; 8: an owner, so a start shows the sign-in page, not the first-run
# setup.)
GENERATOR_VERSION = 8
PUSH_TEMPLATE = "push-template"


def _marker(warranties: int, push_events: int) -> dict[str, object]:
    migrations = sorted(p.name for p in (ROOT / "warranty_desk" / "migrations" / "versions")
                        .glob("*.py"))
    return {"warranties": warranties, "seed": SEED, "generator": GENERATOR_VERSION,
            "migrations": migrations, "push_events": push_events}


def push_template(home: Home) -> Path:
    """The database holding the shop's first outbox events, for the push benchmark."""
    return Home(home.root / PUSH_TEMPLATE).database


def cached_shop(warranties: int, *, push_events: int, log: bool = True) -> Home:
    """A home folder with `warranties` synthetic warranties, built once and kept in .bench-cache.

    Built through the real `warranty-desk demo-data` command, then synced and pruned through
    the real nightly cycle; rebuilt when the schema or the generator changes.
    """
    home = Home(CACHE / f"shop-{warranties}")
    marker_file = home.root / "bench-marker.json"
    want = _marker(warranties, push_events)
    if marker_file.exists() and json.loads(marker_file.read_text()) == want:
        return home
    if home.root.exists():
        shutil.rmtree(home.root)
    home.ensure()
    if log:
        print(f"Building the benchmark shop ({warranties:,} warranties; cached in "
              f"{home.root.relative_to(ROOT)})…", file=sys.stderr, flush=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "warranty_desk", "--home", str(home.root),
                    "--today", TODAY.isoformat(), "demo-data", "--warranties", str(warranties),
                    "--seed", str(SEED)], check=True, stdout=subprocess.DEVNULL)
    generated = time.perf_counter() - start
    _owner(home)
    from tests.bench import cases_sync

    cases_sync.build_outbox(home.database, home.root / PUSH_TEMPLATE, push_events)
    history = sync_history(home)
    (home.root / "bench-build.json").write_text(json.dumps(
        {"build_seconds": round(time.perf_counter() - start, 1),
         "generate_seconds": round(generated, 1), **history}))
    marker_file.write_text(json.dumps(want))
    return home


def _owner(home: Home) -> None:
    """The shop's owner, as its first-run setup leaves it: a shop in daily use starts at the
    sign-in page (a shop with no staff starts the setup, which the cold start would measure)."""
    from warranty_desk.permissions import Role
    from warranty_desk.services import first_run, staff

    db = open_shop(home)
    try:
        staff.create_staff(db, first_run.SETUP_ACTOR, "Bench Owner", Role.OWNER, "2580")
    finally:
        db.dispose()


def sync_history(home: Home) -> dict[str, object]:
    """Push the whole outbox to a loopback portal and run the nightly, as the till's timer does.

    The real `run_cycle(nightly=True)`: documents, push, inbox pull, nightly report, then the
    pruning of delivered events and the compaction it triggers.
    """
    import sqlite3

    from keyring.backends import fail

    from sync.runner import run_cycle
    from sync.secrets import PORTAL_TOKEN, set_secret
    from tests.bench.cases_sync import portal_process
    from tests.sync.test_secrets import use
    from warranty_desk.config import SyncSettings

    def counts() -> tuple[int, int]:
        conn = sqlite3.connect(home.database)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            events = int(conn.execute("SELECT count(*) FROM outbox_events").fetchone()[0])
        finally:
            conn.close()
        return events, home.database.stat().st_size

    events_before, bytes_before = counts()
    started = time.perf_counter()
    secrets = use(fail.Keyring())  # the token in the home's 0600 file, as on a till without one
    next(secrets)
    db = open_shop(home)
    try:
        with portal_process(home.root) as portal:
            set_secret(home, PORTAL_TOKEN, portal.token)
            report = run_cycle(home, db, SyncSettings(portal_url=portal.url), nightly=True,
                               time_limit=3600)
    finally:
        db.dispose()
        secrets.close()
    if not report.nightly:
        raise RuntimeError(f"The benchmark shop's nightly sync did not finish: {report.message}")
    events_after, bytes_after = counts()
    return {"sync_seconds": round(time.perf_counter() - started, 1),
            "events_pushed": events_before, "events_kept": events_after,
            "bytes_before_sync": bytes_before, "bytes_after_sync": bytes_after}


def open_shop(home: Home) -> Database:
    """The shop's database, migrated to the current head."""
    from warranty_desk.services import setup

    db, _ = setup.init(home, clock=FixedClock.on(TODAY))
    return db


# DESIGN.md: a database stays at most this size per warranty with its history.
SIZE_BUDGET_BYTES_PER_WARRANTY = 700


def database_size(home: Home) -> dict[str, object]:
    """The database's size per warranty, with what its WAL holds: its pages as a reader sees
    them, which the file takes once checkpointed. (A checkpoint here, TRUNCATE, once failed
    with "disk I/O error" on a loaded machine while the cold start's app let go of the file.)"""
    import sqlite3

    conn = sqlite3.connect(home.database)
    try:
        pages, page_size = (conn.execute(f"PRAGMA {name}").fetchone()[0]
                            for name in ("page_count", "page_size"))
        warranties = conn.execute("SELECT count(*) FROM warranties").fetchone()[0]
        # Where the bytes are: each table with its indexes, from SQLite's own page counts.
        largest = conn.execute(
            "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) AS bytes FROM dbstat AS s "
            "LEFT JOIN sqlite_master AS m ON m.name = s.name GROUP BY 1 "
            "ORDER BY bytes DESC LIMIT 10").fetchall()
    finally:
        conn.close()
    size = pages * page_size
    per = size // max(warranties, 1)
    return {"bytes": size, "warranties": warranties, "bytes_per_warranty": per,
            "passed": per <= SIZE_BUDGET_BYTES_PER_WARRANTY,
            "largest_tables": {name: bytes_ // max(warranties, 1) for name, bytes_ in largest}}
