"""Built metric pages kept in PostgreSQL for every app process, each served while no write since
its build could change it, and built once for a burst of people asking the same.

Twenty people opening the same metric page made PostgreSQL count the same million warranties
twenty times (0.1-0.4 s of CPU each on 2 cores). A built page (metric_page.Page) is kept in
staff_metricpage under its query (range, filters, comparison: every staff role that may open
the page sees every branch, so nobody's scope narrows it), with the snapshot its build began
in (pg_current_snapshot()).

Exact, not timed: triggers of migration staff 0005 note every transaction that writes a table
the page reads (claim roll-ups, claim events, sales counts, warranties, products, brand
claims; a branch's code or time zone) in staff_metricwrite, one row per transaction whatever it
wrote (the projector's chunk of 2,000 events is one), by its id. No row is locked by another
writer's, so ingest is not serialised. Whatever writes (the projector, a rebuild, the customer
portal, the web shops, an erasure, raw SQL) is caught where it lands, not where it is called.
A kept page is exact for a request when every writing transaction committed before the
request arrived is visible in the page's snapshot.

Behind by a minute at most, and said so: a page some write has made stale is still served
for BEHIND after its build, with the moment it was counted, and built again at the first
request after that. While branches push all day, every projected chunk touches what the
pages read: served only exact, each page was built again for nearly every request (with a
write a second the four bench pages' p95 were 95-276 ms under 20 people, 18-111 ms a minute
behind, and PostgreSQL spent 4-5 times the CPU). Figures of a million
warranties a minute old are what head office reads anyway (a till's records reach it when
it syncs, often later); the page says when it counted and offers to count again now
(`exact`), and the exports always count what is there.

Single flight: a request that finds no such page tries a transaction-scoped advisory lock on
its query's hash; holding it, it looks again and else builds and keeps the page. The others
wait on the same lock, shared, all at once, and then read the kept page: it is good for them
when its snapshot began after they arrived (or nothing was written since), or when they may
be a minute behind (it was just built); if not, they try again.

The log of writes is emptied of what every kept page sees (prune, after each build and every
quarter of an hour: portal.staff.tasks; it first forgets the stale pages older than BEHIND)
when no build is under way (builds hold a shared lock from their snapshot to their insert,
the prune an exclusive one, so no page built from an older snapshot is kept after the prune
forgot what it missed). At most MAX_PAGES pages and MAX_BYTES are kept, the least recently
built go first; migrate empties them (a new release may build its pages otherwise).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db import connection, connections, transaction

from portal import clock
from portal.staff.metric_page import Page, Query

MAX_PAGES = 256
BEHIND = timedelta(minutes=1)
MAX_BYTES = 64 << 20
# The advisory locks' first key (the two-key form, apart from portal.receiver.partitions'
# one-key lock): STORE for builds (shared) against the prune (exclusive), PAGE per query.
STORE, PAGE = 0x57D0, 0x57D1
# Part of every key: a release whose Page differs in shape changes it.
FORMAT = "1"

_READ = """
    SELECT pg_current_snapshot()::text, m.page, m.built_at, NOT EXISTS (
               SELECT 1 FROM staff_metricwrite w
               WHERE pg_visible_in_snapshot(w.xid, coalesce(%(arrived)s::pg_snapshot,
                                                             pg_current_snapshot()))
                 AND NOT pg_visible_in_snapshot(w.xid, m.snapshot))
    FROM (SELECT 1) one LEFT JOIN staff_metricpage m ON m.key = %(key)s"""


class Kept(NamedTuple):
    """A page as served: exact (counted_at None), or counted at that moment, with records
    written since that it does not count."""

    page: Page
    counted_at: datetime | None


def key_of(query: Query, behind_url: str) -> str:
    """The query's key: what the page shows depends on nothing else (no role narrows it)."""
    text = "\x1f".join((FORMAT, behind_url, query.since.isoformat(), query.until.isoformat(),
                        query.by, *(f"{k}={v}" for k, v in sorted(query.filters.items()))))
    return hashlib.sha256(text.encode()).hexdigest()


def _lock_id(key: str) -> int:
    return int.from_bytes(bytes.fromhex(key[:8]), "big", signed=True)


def _kept(cursor: Any, key: str, arrived: str | None, behind: timedelta | None
          ) -> tuple[str, Kept | None]:
    """The snapshot now, and the kept page good for a request that arrived at `arrived`
    (None: now): exact, or built within `behind` of now (None: exact only)."""
    cursor.execute(_READ, {"key": key, "arrived": arrived})
    now, data, built_at, exact = cursor.fetchone()
    if data is None or not (exact or (behind is not None and clock.now() - built_at <= behind)):
        return now, None
    try:
        page = pickle.loads(bytes(data))  # written by _keep below and nothing else
    except Exception:  # a page of an older release that no longer unpickles: build it
        return now, None
    return now, Kept(page, None if exact else built_at) if isinstance(page, Page) else None


def page(query: Query, behind_url: str, build: Callable[[], Page], *, exact: bool = False
         ) -> Kept:
    """The page for the query: kept (exact, or at most BEHIND old unless `exact`), or built
    (once for everyone asking meanwhile) and kept."""
    key = key_of(query, behind_url)
    lock = [PAGE, _lock_id(key)]
    behind = None if exact else BEHIND
    with connection.cursor() as cursor:
        arrived, found = _kept(cursor, key, None, behind)
    while found is None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", lock)
            if cursor.fetchone()[0]:  # nobody builds it: this request does
                _, found = _kept(cursor, key, arrived, behind)  # one may have just finished
                if found is None:
                    found = Kept(_build(cursor, key, build), None)
                    break
                return found
        # Another request builds it: wait until it is done, beside the others waiting (a
        # shared lock: they read the page at once, not one after another), then read it. Not
        # good for this request (a write came after that build began and before this request
        # arrived) or not built (it failed): try again, maybe building it here.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock_shared(%s, %s)", lock)
            try:
                _, found = _kept(cursor, key, arrived, behind)
            finally:
                cursor.execute("SELECT pg_advisory_unlock_shared(%s, %s)", lock)
        if found is not None:
            return found
    prune()
    return found


def _build(cursor: Any, key: str, build: Callable[[], Page]) -> Page:
    """Build the page and keep it, from a snapshot taken under the store's shared lock."""
    # Its commit need not wait for the disk: a kept page lost in a crash is built again, and
    # everyone waiting on this build waits for its commit, a flush of the log to a disk the
    # projector keeps busy. (The prune after it commits later in the log: a crash that keeps
    # the prune keeps this page too.)
    cursor.execute("SET LOCAL synchronous_commit = off")
    cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [STORE, 0])
    cursor.execute("SELECT pg_current_snapshot()::text")
    snapshot = cursor.fetchone()[0]
    found = build()
    _keep(cursor, key, snapshot, found)
    return found


def _keep(cursor: Any, key: str, snapshot: str, found: Page) -> None:
    cursor.execute("""
        INSERT INTO staff_metricpage (key, snapshot, built_at, page)
        VALUES (%s, %s::pg_snapshot, %s, %s)
        ON CONFLICT (key) DO UPDATE SET snapshot = excluded.snapshot,
            built_at = excluded.built_at, page = excluded.page""",
                   [key, snapshot, clock.now(), pickle.dumps(found, pickle.HIGHEST_PROTOCOL)])
    # The least recently built go first, beyond MAX_PAGES or MAX_BYTES in all (a page
    # compared by branch across 200 branches is 0.3 MB, one of a few groups 5-60 kB).
    cursor.execute("""
        DELETE FROM staff_metricpage WHERE key IN (
            SELECT key FROM (
                SELECT key, row_number() OVER newest AS n,
                       sum(octet_length(page)) OVER newest AS held
                FROM staff_metricpage
                WINDOW newest AS (ORDER BY built_at DESC, key)) kept
            WHERE n > %s OR held > %s)""", [MAX_PAGES, MAX_BYTES])


def prune() -> None:
    """Forget the pages some committed write made stale, built more than BEHIND ago (no
    request reads them again), then the writes every kept page sees; only while no build is
    between its snapshot and its insert (else next time)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [STORE, 0])
        if not cursor.fetchone()[0]:
            return
        cursor.execute("SET LOCAL synchronous_commit = off")  # forgetting is redone if lost
        cursor.execute("""
            DELETE FROM staff_metricpage m WHERE m.built_at < %s AND EXISTS (
                SELECT 1 FROM staff_metricwrite w
                WHERE NOT pg_visible_in_snapshot(w.xid, m.snapshot))""", [clock.now() - BEHIND])
        # Only what every page kept sees: a write committed after the statement above is
        # kept, whatever it made stale.
        cursor.execute("""
            DELETE FROM staff_metricwrite w WHERE NOT EXISTS (
                SELECT 1 FROM staff_metricpage m
                WHERE NOT pg_visible_in_snapshot(w.xid, m.snapshot))""")


def forget(using: str = "default") -> None:
    """Drop every kept page (after migrate: a new release's pages may differ); nothing when
    the table is not there (migrated back before it)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regclass('staff_metricpage') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute("DELETE FROM staff_metricpage")
