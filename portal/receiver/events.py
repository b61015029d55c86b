"""Storing a pushed batch: once per event id, numbered in arrival order, then enqueued."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from django.db import connection, transaction

from portal import clock, contract
from portal.branches.models import Branch
from portal.customers import erasure
from portal.health.tasks import recheck_if_drifting
from portal.projections.tasks import enqueue_projection
from portal.receiver import partitions
from portal.receiver.marks import Marks, raise_marks

Status = Literal["accepted", "duplicate", "rejected"]

# A UUIDv7 names the millisecond it was made. Ids from before the chain could have had a till,
# or more than a year ahead of head office's clock, come from a broken clock or a forged id;
# each would open a partition of its own, so they are refused (the till parks them with this
# reason and someone fixes its clock) rather than stored.
EARLIEST = datetime(2020, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=366)
ERASED_TOPIC = "customer.erased"
# A payload is a record's fields, not a file: far below this. Documents go by /documents.
MAX_PAYLOAD_BYTES = 256 * 1024


# The refusals of one event that head office can put right on its side (a newer contract):
# the till sends the event again later and parks nothing. Every other code is permanent.
FIXABLE = frozenset({"unknown_topic", "unknown_version"})


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why one event is refused: the contract's EventResult code, the field, and the words."""

    code: str
    reason: str
    field: str = ""

    @property
    def permanent(self) -> bool:
        """Whether this event as it is will never be taken (the till parks it)."""
        return self.code not in FIXABLE


@dataclass(frozen=True, slots=True)
class EventResult:
    """The answer for one event of a batch."""

    id: str
    status: Status
    refusal: Refusal | None = None

    @property
    def reason(self) -> str:
        """The refusal's words ("" when the event was taken)."""
        return self.refusal.reason if self.refusal else ""

    def wire(self) -> dict[str, object]:
        """The contract's EventResult: code, permanent and field only with a refusal."""
        if self.refusal is None:
            return {"id": self.id, "status": self.status}
        said: dict[str, object] = {"id": self.id, "status": self.status,
                                   "code": self.refusal.code,
                                   "permanent": self.refusal.permanent,
                                   "reason": self.refusal.reason}
        if self.refusal.field:
            said["field"] = self.refusal.field
        return said


def id_problem(event_id: uuid.UUID, now: datetime) -> Refusal | None:
    """Why an event id cannot be stored, or None."""
    if event_id.version != 7 or event_id.variant != uuid.RFC_4122:
        return Refusal("bad_event_id", f"Event id {event_id} is not a UUIDv7; the till makes "
                       "every event id as one. Update the till, then retry the event.", "/id")
    made = datetime.fromtimestamp((event_id.int >> 80) / 1000, UTC)
    if made < EARLIEST or made > now + AHEAD:
        return Refusal("bad_event_id", f"Event id {event_id} says it was made on "
                       f"{made:%Y-%m-%d}, which cannot be right. Check the till's date and "
                       "time, then retry the event.", "/id")
    return None


def payload_problem(topic: str, payload: dict[str, Any], version: int = 1) -> Refusal | None:
    """Why an event's payload is refused, or None: its size, then its topic's schema."""
    size = len(json.dumps(payload, ensure_ascii=False).encode())
    if size > MAX_PAYLOAD_BYTES:
        return Refusal("too_large", f"The {topic} event's fields take {size // 1024} KB; the "
                       f"limit is {MAX_PAYLOAD_BYTES // 1024} KB. Documents are sent on their "
                       "own, not inside an event.", "/payload")
    versions = contract.payload_versions(topic)
    if not versions:
        return Refusal("unknown_topic", f"Head office does not know the topic {topic} yet: "
                       "the till is newer than head office. The event goes again by itself "
                       "once head office is upgraded; tell head office.", "/topic")
    pointer = versions.get(version)
    if pointer is None:
        return Refusal("unknown_version", f"Head office knows version "
                       f"{', '.join(map(str, sorted(versions)))} of the {topic} payload, not "
                       f"{version}: the till is newer than head office. The event goes again "
                       "by itself once head office is upgraded; tell head office.", "/v")
    found = contract.payload_fault(pointer, payload, topic)
    if found is None:
        return None
    words, where = found
    return Refusal("invalid_payload", f"{words}. The till wrote a record head office cannot "
                   "read: update the till, or tell head office.", "/payload" + where)


# The batch travels as one JSON array, unpacked by PostgreSQL: no per-row parameters to adapt.
_INSERT = """
INSERT INTO receiver_event (id, branch_id, received_no, seq, topic, aggregate, aggregate_id,
                            occurred_at, received_at, v, payload)
SELECT (doc->>'id')::uuid, %(branch)s, %(base)s + t.n, (doc->>'seq')::bigint, doc->>'topic',
       doc->>'aggregate', doc->>'aggregate_id', (doc->>'occurred_at')::timestamptz, %(now)s,
       (doc->>'v')::smallint, doc->'payload'
FROM jsonb_array_elements(%(events)s::jsonb) WITH ORDINALITY AS t(doc, n)
ON CONFLICT (id) DO NOTHING
RETURNING id
"""


def store_batch(branch: Branch, events: list[dict[str, Any]], marks: Marks | None = None
                ) -> list[EventResult]:
    """Store the new events of a batch once each; one result per event, in the order sent.

    Only stores and enqueues: projecting is the worker's, so a push costs one transaction.
    The push's epoch and number counters (`marks`) raise the branch's high-water marks in the
    same transaction as the events they cover.
    """
    now = clock.now()
    results: list[EventResult | None] = [None] * len(events)
    fresh: dict[uuid.UUID, int] = {}
    for index, event in enumerate(events):
        event_id = uuid.UUID(event["id"])
        refusal = id_problem(event_id, now) or payload_problem(
            event["topic"], event["payload"], event.get("v", 1))
        if refusal:
            results[index] = EventResult(event["id"], "rejected", refusal)
        elif event_id in fresh:
            # Twice in one batch: the same again is a duplicate; other content reuses the id.
            first = events[fresh[event_id]]
            results[index] = (EventResult(event["id"], "duplicate") if same(first, event)
                              else EventResult(event["id"], "rejected", reused(event_id)))
        else:
            fresh[event_id] = index
    if fresh:
        partitions.ensure({partitions.month_of(i) for i in fresh})
        stored = _insert(branch, fresh, events, now, marks or Marks())
        for event_id, index in fresh.items():
            results[index] = stored[event_id]
    answered = [r for r in results if r is not None]
    refused = [(events[i], r) for i, r in enumerate(results)
               if r is not None and r.status == "rejected"]
    if refused:
        _remember_refusals(branch, refused, now)
    return answered


_REFUSED = """
INSERT INTO receiver_refusedevent (branch_id, event_id, topic, reason, times, first_at, last_at)
SELECT %(branch)s, r.id, r.topic, r.reason, 1, %(now)s, %(now)s
FROM unnest(%(ids)s::uuid[], %(topics)s::text[], %(reasons)s::text[]) AS r(id, topic, reason)
ON CONFLICT (branch_id, event_id) DO UPDATE
SET reason = EXCLUDED.reason, times = receiver_refusedevent.times + 1, last_at = EXCLUDED.last_at
"""


def _remember_refusals(branch: Branch, refused: list[tuple[dict[str, Any], EventResult]],
                       now: datetime) -> None:
    # The till parks what was refused; head office keeps a line of each, so the sync health
    # page can say which records a branch is holding back and why.
    latest = {r.id: (e["topic"][:80], r.reason) for e, r in refused}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_REFUSED, {"branch": branch.pk, "now": now, "ids": list(latest),
                                  "topics": [t for t, _ in latest.values()],
                                  "reasons": [r for _, r in latest.values()]})


def _insert(branch: Branch, fresh: dict[uuid.UUID, int], events: list[dict[str, Any]],
            now: datetime, marks: Marks) -> dict[uuid.UUID, EventResult]:
    chosen = [events[i] for i in fresh.values()]
    with transaction.atomic(), connection.cursor() as cursor:
        # The branch row's lock numbers this batch after every batch committed before it.
        cursor.execute("SELECT events_received FROM branches_branch WHERE id = %s FOR UPDATE",
                       [branch.pk])
        row = cursor.fetchone()
        base = int(row[0]) if row else 0
        rows = [{"id": str(event_id), "seq": e["seq"], "topic": e["topic"],
                 "aggregate": e["aggregate"], "aggregate_id": e["aggregate_id"],
                 "occurred_at": contract.instant(e["occurred_at"]).isoformat(),
                 "v": e.get("v", 1), "payload": e["payload"]}
                for event_id, e in zip(fresh, chosen, strict=True)]
        cursor.execute(_INSERT, {"branch": branch.pk, "base": base, "now": now,
                                 "events": json.dumps(rows, ensure_ascii=False)})
        inserted = {r[0] for r in cursor.fetchall()}
        cursor.execute("UPDATE branches_branch SET events_received = %s, "
                       "events_stored = events_stored + %s, last_push_at = %s WHERE id = %s",
                       [base + len(chosen), len(inserted), now, branch.pk])
        if inserted:
            raise_marks(cursor, branch.pk, max(e["seq"] for e in chosen), marks)
        held = _held([i for i in fresh if i not in inserted], cursor)
        _erase_on_receipt(branch, [e for i, e in zip(fresh, chosen, strict=True)
                                   if i in inserted and e["topic"] == ERASED_TOPIC])
        if inserted:
            enqueue_projection(branch.pk)
            recheck_if_drifting(branch.pk)
    answers: dict[uuid.UUID, EventResult] = {}
    for event_id, index in fresh.items():
        text = events[index]["id"]
        owner, stored = held.get(event_id, (None, None))
        if event_id in inserted:
            answers[event_id] = EventResult(text, "accepted")
        elif owner != branch.pk:
            answers[event_id] = EventResult(text, "rejected", Refusal(
                "id_of_another_branch", f"Event id {event_id} was already sent by another "
                "branch. Each till makes its own ids, so this till's copy of its database may "
                "have come from another branch: tell head office before it sends more.", "/id"))
        elif stored is not None and same(stored, events[index]):
            answers[event_id] = EventResult(text, "duplicate")
        else:
            answers[event_id] = EventResult(text, "rejected", reused(event_id))
    return answers


def _erase_on_receipt(branch: Branch, erasures: list[dict[str, Any]]) -> None:
    """A customer.erased is done where it is stored, in the same transaction: head office
    never holds the erasure without having erased (portal/customers/erasure.py)."""
    for event in erasures:
        payload = event["payload"]
        erasure.erase(branch.pk, payload["reference"], payload["pseudonym"],
                      list(payload.get("merged_references") or []))


# What makes two events with one id the same event (its seq may be renumbered by a restore).
_CONTENT = ("topic", "aggregate", "aggregate_id", "v", "payload")


def same(held: dict[str, Any], sent: dict[str, Any]) -> bool:
    """Whether a sent event says what the one held (or sent first) under its id says."""
    return (all(held.get(k, 1 if k == "v" else None) == sent.get(k, 1 if k == "v" else None)
                for k in _CONTENT)
            and _instant(held["occurred_at"]) == _instant(sent["occurred_at"]))


def _instant(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else contract.instant(value)


def reused(event_id: uuid.UUID) -> Refusal:
    """An id this branch sent before with other content: nothing of this one is stored."""
    return Refusal("id_reused", f"Event id {event_id} was sent before with other content "
                   "(another record, time or fields). Head office keeps the first and stored "
                   "nothing of this one. The till's database may have been restored or copied "
                   "wrongly: tell head office before anyone changes the records.", "/id")


def _held(ids: list[uuid.UUID], cursor: Any) -> dict[uuid.UUID, tuple[int, dict[str, Any]]]:
    """The owner and the content of events already stored under these ids."""
    if not ids:
        return {}
    cursor.execute("SELECT id, branch_id, topic, aggregate, aggregate_id, v, payload, "
                   "occurred_at FROM receiver_event WHERE id = ANY(%s::uuid[])", [ids])
    # Django reads jsonb as its text (JSONField decodes it itself): decoded here.
    return {r[0]: (int(r[1]), {"topic": r[2], "aggregate": r[3], "aggregate_id": r[4],
                               "v": r[5], "occurred_at": r[7],
                               "payload": json.loads(r[6]) if isinstance(r[6], str) else r[6]})
            for r in cursor.fetchall()}
