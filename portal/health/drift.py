"""The nightly comparison: a branch's day counts, hashes and audit head against head office's.

The till counts its outbox per UTC day and topic, with the sha256 of the event ids in seq order
joined by newlines (sync/nightly.py). Head office recounts the events it stored the same way,
up to the report's own instant (events made after it are not in the till's count), and keeps a
finding for every difference until a recount matches or a person deals with it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction

from portal import clock
from portal.branches.models import Branch
from portal.health.models import DriftFinding, Kind
from portal.inbox.services import queue_item
from portal.receiver.models import NightlyReport

DAY_KINDS = (Kind.GAP, Kind.EXTRA, Kind.MISMATCH)
AUDIT_KINDS = (Kind.AUDIT_BACKWARDS, Kind.AUDIT_FORK)

_RECOUNT = """
SELECT (occurred_at AT TIME ZONE 'UTC')::date, topic, count(*),
       encode(sha256(convert_to(string_agg(id::text, E'\\n' ORDER BY seq), 'UTF8')), 'hex')
FROM receiver_event
WHERE branch_id = %s AND occurred_at >= %s AND occurred_at < %s AND occurred_at <= %s
GROUP BY 1, 2
"""


@dataclass(frozen=True, slots=True)
class Count:
    """One day and topic's count and id hash, on either side."""

    count: int
    sha256: str


Key = tuple[date, str]


def recount(branch_id: int, days: Iterable[date], upto: datetime) -> dict[Key, Count]:
    """Head office's counts for these UTC days, of events made no later than `upto`."""
    wanted = set(days)
    if not wanted:
        return {}
    start = datetime.combine(min(wanted), time(), UTC)
    end = datetime.combine(max(wanted) + timedelta(days=1), time(), UTC)
    with connection.cursor() as cursor:
        cursor.execute(_RECOUNT, [branch_id, start, end, upto])
        rows = cursor.fetchall()
    return {(day, topic): Count(int(n), digest) for day, topic, n, digest in rows
            if day in wanted}


def reported(report: NightlyReport) -> dict[Key, Count]:
    """The till's side of a report."""
    body: dict[str, Any] = report.body
    return {(date.fromisoformat(d["day"]), d["topic"]): Count(int(d["count"]), d["sha256"])
            for d in body.get("days", [])}


def _kind(till: Count, office: Count) -> Kind | None:
    if till == office:
        return None
    if office.count < till.count:
        return Kind.GAP
    if office.count > till.count:
        return Kind.EXTRA
    return Kind.MISMATCH


def _events(count: int, topic: str) -> str:
    return f"{count} {topic} event{'' if count == 1 else 's'}"


def _detail(kind: Kind, day: date, topic: str, till: Count, office: Count) -> str:
    if kind == Kind.GAP:
        return (f"The till counted {_events(till.count, topic)} on {day}; head office holds "
                f"{office.count}.")
    if kind == Kind.EXTRA:
        return (f"Head office holds {_events(office.count, topic)} of {day}; the till counts "
                f"only {till.count}.")
    return (f"Both sides count {_events(till.count, topic)} on {day}, but they are not the "
            "same events.")


def advice(finding: DriftFinding) -> str:
    """What staff should do about a finding, in plain words."""
    kind = finding.kind
    if kind == Kind.GAP:
        if finding.resend_item:
            return ("Head office has asked the till to send this day again; the finding "
                    "closes by itself when the events arrive. If it stays open after the "
                    "till's next sync, ask the branch to look at parked events in its sync "
                    "panel (F10): refused events wait there for a person.")
        return "Ask the till to send the day again (button below)."
    if kind == Kind.EXTRA:
        return ("Head office holds events this till no longer lists. The till's database may "
                "have been restored from an older backup or replaced: check the audit chain "
                "findings, and ask the branch what happened before trusting its counts.")
    if kind == Kind.MISMATCH:
        return ("Head office and the till hold different events for this day. The day has been "
                "asked for again; if the finding stays, the till's database may have been "
                "copied or restored: ask the branch, and compare with the audit findings.")
    if kind == Kind.AUDIT_BACKWARDS:
        return ("The till's audit log is shorter than it was on an earlier night: it was most "
                "likely restored from an older backup. Records made after that backup may be "
                "missing at the branch. Ask the branch manager what was restored and when, "
                "then mark this dealt with, saying what you found.")
    return ("Two reports name the same audit entry with different contents: two tills may be "
            "running on copies of one database, or the audit log was altered. Ask the branch "
            "to run `warranty-desk audit verify` and to use one till per branch code, then "
            "mark this dealt with, saying what you found.")


def _open(branch_id: int, kind: Kind, day: date | None, topic: str) -> DriftFinding | None:
    return DriftFinding.objects.filter(branch_id=branch_id, kind=kind, day=day, topic=topic,
                                       resolved_at=None).first()


def _settle_day(branch: Branch, report: NightlyReport, key: Key, till: Count, office: Count,
                now: datetime) -> DriftFinding | None:
    day, topic = key
    kind = _kind(till, office)
    stale = DriftFinding.objects.filter(branch=branch, day=day, topic=topic, resolved_at=None,
                                        kind__in=DAY_KINDS)
    if kind is not None:
        stale = stale.exclude(kind=kind)
    stale.update(resolved_at=now, resolution="Head office's recount of this day changed; "
                                             "see the newer finding." if kind else
                 "Head office's recount now matches the till's.")
    if kind is None:
        return None
    values = {"till_count": till.count, "office_count": office.count,
              "till_sha256": till.sha256, "office_sha256": office.sha256,
              "detail": _detail(kind, day, topic, till, office), "report": report,
              "checked_at": now}
    found = _open(branch.pk, kind, day, topic)
    if found is None:
        return DriftFinding.objects.create(branch=branch, kind=kind, day=day, topic=topic,
                                           found_at=now, **values)
    for field, value in values.items():
        setattr(found, field, value)
    found.save()
    return found


def _audit(branch: Branch, report: NightlyReport, now: datetime) -> None:
    head = report.body.get("audit_head") or {}
    seq, digest = int(head.get("seq", 0)), str(head.get("hash", ""))
    earlier = (NightlyReport.objects.filter(branch=branch, pk__lt=report.pk)
               .values_list("body__audit_head__seq", "body__audit_head__hash", "generated_at"))
    furthest: tuple[int, datetime] | None = None
    forked: datetime | None = None
    for other_seq, other_hash, when in earlier:
        other_seq = int(other_seq or 0)
        if other_seq > seq and (furthest is None or other_seq > furthest[0]):
            furthest = (other_seq, when)
        if other_seq == seq and other_hash != digest and forked is None:
            forked = when
    if furthest is not None:
        _audit_finding(branch, report, Kind.AUDIT_BACKWARDS, now, (
            f"The till's audit log now ends at entry {seq}; its report of "
            f"{furthest[1]:%Y-%m-%d %H:%M} UTC had reached entry {furthest[0]}."))
    if forked is not None:
        _audit_finding(branch, report, Kind.AUDIT_FORK, now, (
            f"Audit entry {seq} has hash {digest[:16]}… now, but a different hash in the "
            f"report of {forked:%Y-%m-%d %H:%M} UTC."))


def _audit_finding(branch: Branch, report: NightlyReport, kind: Kind, now: datetime,
                   detail: str) -> None:
    found = _open(branch.pk, kind, None, "")
    if found is None:
        DriftFinding.objects.create(branch=branch, kind=kind, detail=detail, report=report,
                                    found_at=now, checked_at=now)
    else:
        found.detail, found.report, found.checked_at = detail, report, now
        found.save(update_fields=["detail", "report", "checked_at"])


def ask_resend(branch: Branch, day: date, reason: str) -> str:
    """Queue a resend_day item for the branch and mark the day's open findings; the item id."""
    item_id = f"resend-{day.isoformat()}-{secrets.token_hex(6)}"
    with transaction.atomic():
        queue_item(branch, "resend_day", {"day": day.isoformat(), "reason": reason[:1000]},
                   item_id=item_id)
        DriftFinding.objects.filter(branch=branch, day=day, resolved_at=None,
                                    kind__in=(Kind.GAP, Kind.MISMATCH)).update(
            resend_item=item_id, resend_at=clock.now())
    return item_id


def check_report(report: NightlyReport) -> list[DriftFinding]:
    """Compare one nightly report with head office's events; the open findings it leaves.

    A day head office lacks events of is asked for again once (a resend_day inbox item); an
    admin can ask again from the branch's page.
    """
    branch = report.branch
    now = clock.now()
    till_side = reported(report)
    days = {day for day, _ in till_side}
    with transaction.atomic():
        office_side = recount(branch.pk, days, report.generated_at)
        for key in sorted(set(till_side) | set(office_side)):
            _settle_day(branch, report, key, till_side.get(key, Count(0, "")),
                        office_side.get(key, Count(0, "")), now)
        _audit(branch, report, now)
    lacking = sorted({f.day for f in DriftFinding.objects.filter(
        branch=branch, resolved_at=None, kind__in=(Kind.GAP, Kind.MISMATCH), resend_item="")
        if f.day is not None})
    for day in lacking:
        ask_resend(branch, day, f"Head office's count of {day} is short of the till's "
                                "nightly report.")
    return list(DriftFinding.objects.filter(branch=branch, resolved_at=None))


def recheck(branch_id: int) -> int:
    """Recount the days of a branch's open day findings (after new events); how many closed."""
    now = clock.now()
    closed = 0
    with transaction.atomic():
        findings = list(DriftFinding.objects.select_for_update(of=("self",))
                        .select_related("report")
                        .filter(branch_id=branch_id, resolved_at=None, kind__in=DAY_KINDS))
        for finding in findings:
            if finding.day is None:
                continue
            upto = (finding.report.generated_at if finding.report else
                    datetime.combine(finding.day + timedelta(days=1), time(), UTC))
            office = recount(branch_id, [finding.day], upto).get(
                (finding.day, finding.topic), Count(0, ""))
            till = Count(finding.till_count, finding.till_sha256)
            finding.checked_at = now
            if _kind(till, office) is None:
                finding.resolved_at = now
                finding.resolution = "Head office's recount now matches the till's."
                closed += 1
            finding.office_count, finding.office_sha256 = office.count, office.sha256
            finding.save()
    return closed


def resolve(finding: DriftFinding, user: Any, note: str) -> None:
    """A person has dealt with a finding."""
    finding.resolved_at = clock.now()
    finding.resolved_by = user
    finding.resolution = note.strip()[:4000] or "Marked dealt with."
    finding.save(update_fields=["resolved_at", "resolved_by", "resolution"])
