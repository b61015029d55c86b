"""What the loopback portal holds (events, inbox, documents, nightly reports) and its answers."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

# Says why the portal refuses an event, or None to take it.
Poison = Callable[[dict[str, Any]], "str | None"]


class BadRequest(Exception):
    """The request was valid by the spec but makes no sense to the portal (a 400 with reason)."""


class PortalStore:
    """Thread-safe state behind the loopback portal; tests read it through the helpers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # id -> event as received; insertion order is arrival order.
        self.events: dict[str, dict[str, Any]] = {}
        self.answers: Counter[str] = Counter()
        # Every push request's answers in arrival order: [(event id, status), ...] per request.
        self.batches: list[list[tuple[str, str]]] = []
        self.poison: Poison | None = None
        self.inbox_items: list[dict[str, Any]] = []
        self.acks: list[str] = []
        self.documents: dict[str, bytes] = {}
        self.nightly: list[dict[str, Any]] = []
        # What each push said beside its events (epoch, numbers), in arrival order.
        self.beside: list[dict[str, Any]] = []

    # -- push ------------------------------------------------------------------------------

    def push(self, branch: str, events: list[dict[str, Any]]) -> list[dict[str, str]]:
        """Store new events once by id; one result per event, in the order sent."""
        results = []
        with self.lock:
            for event in events:
                reason = self.poison(event) if self.poison else None
                if event["id"] in self.events:
                    status = "duplicate"
                elif reason:
                    status = "rejected"
                else:
                    status = "accepted"
                    self.events[event["id"]] = {**event, "branch": branch}
                self.answers[status] += 1
                results.append({"id": event["id"], "status": status,
                                **({"reason": reason} if status == "rejected" and reason else {})})
            self.batches.append([(r["id"], r["status"]) for r in results])
        return results

    def note_marks(self, body: dict[str, Any]) -> None:
        """Keep what a push said beside its events (its epoch and number counters)."""
        with self.lock:
            self.beside.append({k: v for k, v in body.items() if k != "events"})

    def marks(self, branch: str) -> dict[str, Any]:
        """getBranchMarks: the highest stored seq, and the highest counters any push reported."""
        with self.lock:
            seqs = [e["seq"] for e in self.events.values() if e["branch"] == branch]
            numbers: dict[tuple[str, int], int] = {}
            for said in self.beside:
                for mark in said.get("numbers", ()):
                    key = (mark["kind"], mark["year"])
                    numbers[key] = max(numbers.get(key, 0), mark["last"])
            epoch = next((b["epoch"] for b in reversed(self.beside) if "epoch" in b), None)
        return {"branch": branch, "seq": max(seqs, default=0),
                "numbers": [{"kind": k, "year": y, "last": last}
                            for (k, y), last in sorted(numbers.items())],
                **({"epoch": epoch} if epoch else {})}

    def event_ids(self) -> list[str]:
        """Every stored event id, in arrival order."""
        with self.lock:
            return list(self.events)

    def events_for(self, aggregate_id: str) -> list[dict[str, Any]]:
        """One record's stored events, in arrival order."""
        with self.lock:
            return [e for e in self.events.values() if e["aggregate_id"] == aggregate_id]

    def arrival_seqs(self) -> list[int]:
        """The branch seq of every stored event, in arrival order."""
        with self.lock:
            return [e["seq"] for e in self.events.values()]

    # -- inbox -----------------------------------------------------------------------------

    def inbox_page(self, after: str | None, limit: int) -> dict[str, Any]:
        """Items after an opaque cursor (here: the index of the next item, as text)."""
        if after is not None and not after.isdigit():
            raise BadRequest(f"Unknown inbox cursor {after!r}.")
        start = int(after or 0)
        with self.lock:
            items = self.inbox_items[start:start + limit]
            end = start + len(items)
            return {"items": items, "cursor": str(end), "more": end < len(self.inbox_items)}

    def ack(self, cursor: str) -> None:
        """Remember how far the branch has applied its inbox."""
        with self.lock:
            self.acks.append(cursor)

    # -- documents -------------------------------------------------------------------------

    def missing(self, hashes: list[str]) -> list[str]:
        """The asked-for documents the portal does not hold."""
        with self.lock:
            return [h for h in hashes if h not in self.documents]

    def put_document(self, sha256: str, body: bytes) -> int:
        """201 when stored now, 200 when already held; BadRequest when the bytes do not match."""
        actual = hashlib.sha256(body).hexdigest()
        if actual != sha256:
            raise BadRequest(f"The body's sha256 is {actual}, not {sha256}.")
        with self.lock:
            if sha256 in self.documents:
                return 200
            self.documents[sha256] = body
            return 201

    def add_nightly(self, report: dict[str, Any]) -> None:
        """Keep a nightly report as sent."""
        with self.lock:
            self.nightly.append(report)
