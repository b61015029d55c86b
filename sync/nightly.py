"""The nightly drift report: per day and topic, a count and hash of event ids, and the audit head.

Head office recounts what it received and compares; a day whose count or hash differs shows
where events went missing, arrived twice or were changed. Days are UTC dates of each event's
occurred_at, the clock head office sees on every event, so it needs no knowledge of the shop's
time zone to recount.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from sync.http import HttpClient, reason_of
from sync.portal import raise_if_transient
from warranty_desk.errors import BadInput
from warranty_desk.models import AuditEntry, OutboxEvent, SyncCursor
from warranty_desk.services import numbers
from warranty_desk.services.audit import GENESIS
from warranty_desk.services.outbox_retention import NIGHTLY_CURSOR
from warranty_desk.storage.database import Database

# The SyncCursor row that remembers the last nightly run (and its error, for the sync panel);
# outbox pruning reads it to know which days head office has counted.
NIGHTLY = NIGHTLY_CURSOR
# Days reported on the first run, when there is no last run to start from.
FIRST_RUN_DAYS = 7
# A till offline for months reports its last quarter; older days head office compared before.
MAX_DAYS = 92


@dataclass(frozen=True, slots=True)
class DayCount:
    """One day's events of one topic: how many, and the sha256 of their ids in seq order."""

    day: date
    topic: str
    count: int
    sha256: str


@dataclass(frozen=True, slots=True)
class NightlyReport:
    """What the branch tells head office each night."""

    branch: str
    generated_at: datetime
    days: tuple[DayCount, ...]
    audit_seq: int
    audit_hash: str

    def to_json(self) -> dict[str, Any]:
        """The NightlyReport body of the portal contract."""
        return {
            "branch": self.branch,
            "generated_at": self.generated_at.isoformat(),
            "days": [{"day": d.day.isoformat(), "topic": d.topic, "count": d.count,
                      "sha256": d.sha256} for d in self.days],
            "audit_head": {"seq": self.audit_seq, "hash": self.audit_hash},
        }


def day_counts(db: Database, first: date, last: date) -> tuple[DayCount, ...]:
    """Counts and id hashes per (UTC day, topic) from `first` to `last`, both included."""
    start = datetime.combine(first, time(), UTC)
    end = datetime.combine(last + timedelta(days=1), time(), UTC)
    hashes: dict[tuple[date, str], Any] = {}
    counts: dict[tuple[date, str], int] = {}
    with db.read() as session:
        rows = session.execute(
            select(OutboxEvent.id, OutboxEvent.topic, OutboxEvent.created_at)
            .where(OutboxEvent.created_at >= start, OutboxEvent.created_at < end)
            .order_by(OutboxEvent.seq))
        # One running hash per (day, topic): the outbox is read once, in seq order, memory flat.
        for event_id, topic, created_at in rows:
            key = (created_at.astimezone(UTC).date(), topic)
            seen = counts.get(key, 0)
            if seen == 0:
                hashes[key] = hashlib.sha256()
            hashes[key].update((("\n" if seen else "") + str(event_id)).encode())
            counts[key] = seen + 1
    return tuple(DayCount(day, topic, counts[(day, topic)], hashes[(day, topic)].hexdigest())
                 for day, topic in sorted(counts))


def audit_head(db: Database) -> tuple[int, str]:
    """The last audit entry's seq and hash; (0, the genesis hash) for an empty log."""
    with db.read() as session:
        row = session.execute(select(AuditEntry.seq, AuditEntry.hash)
                              .order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row is not None else (0, GENESIS)


def last_run(db: Database) -> datetime | None:
    """When a nightly report was last accepted by head office."""
    with db.read() as session:
        row = session.get(SyncCursor, NIGHTLY)
        return row.last_success_at if row is not None else None


def report_days(last: datetime | None, now: datetime) -> tuple[date, date]:
    """The days to report: from the last run's day (it was partial then) through today."""
    today = now.astimezone(UTC).date()
    first = last.astimezone(UTC).date() if last else today - timedelta(days=FIRST_RUN_DAYS - 1)
    return max(first, today - timedelta(days=MAX_DAYS - 1)), today


def build_report(db: Database, *, branch: str | None = None) -> NightlyReport:
    """The report for the days since the last run (the last week the first time)."""
    now = db.clock.now()
    if not branch:
        with db.read() as session:
            branch = numbers.branch_code(session)
    first, last = report_days(last_run(db), now)
    seq, head = audit_head(db)
    return NightlyReport(branch, now, day_counts(db, first, last), seq, head)


def send_report(client: HttpClient, report: NightlyReport) -> None:
    """POST /branches/{branch}/nightly; TransientError when it should be tried again later."""
    body = json.dumps(report.to_json(), separators=(",", ":")).encode()
    response = client.request("POST", f"/branches/{report.branch}/nightly", data=body,
                              content_type="application/json")
    raise_if_transient(response, client.who)
    if response.status_code not in (200, 204):
        raise BadInput(f"{client.who.capitalize()} refused the nightly report: "
                       f"{reason_of(response)}")


def _remember(db: Database, at: datetime, error: str) -> None:
    with db.write() as session:
        row = session.get(SyncCursor, NIGHTLY)
        if row is None:
            row = SyncCursor(destination=NIGHTLY, delivered_seq=0)
            session.add(row)
        row.last_attempt_at = at
        row.last_error = error or None
        if not error:
            row.last_success_at = at


def run_nightly(db: Database, client: HttpClient, *, branch: str | None = None) -> NightlyReport:
    """Build and send the report, and remember the run; a failure is kept for the sync panel."""
    report = build_report(db, branch=branch)
    try:
        send_report(client, report)
    except Exception as exc:
        _remember(db, report.generated_at, str(exc) or type(exc).__name__)
        raise
    _remember(db, report.generated_at, "")
    return report
