"""The head-office portal as a sync destination: event batches, and content-addressed documents."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

import requests

from sync.contract import Event, Outcome, Status, TransientError
from sync.http import HttpClient, reason_of, retry_after
from warranty_desk.errors import BadInput
from warranty_desk.sentences import sentences

# The portal takes at most 500 events per request (EventBatch.maxItems in the OpenAPI file).
MAX_BATCH = 500
# The portal asks about at most 1000 documents at once (maxItems of /documents/missing).
MAX_MISSING_QUERY = 1000

_STATUSES = frozenset(get_args(Status))
# Wrong token, address or branch: no event is at fault, so nothing is parked; the engine keeps
# retrying and shows the reason until someone fixes the settings.
_SETTINGS_PROBLEMS = {401: "refused the sync token", 403: "refused this branch",
                      404: "does not know this address or branch"}


def raise_if_transient(response: requests.Response, who: str) -> None:
    """TransientError for answers that say "not now" (408, 429, 5xx) or "fix the settings"."""
    status = response.status_code
    if status in (408, 429) or status >= 500:
        raise TransientError(f"{who.capitalize()} answered {status}: {reason_of(response)}",
                             retry_after=retry_after(response.headers), status=status)
    if status in _SETTINGS_PROBLEMS:
        raise TransientError(sentences(f"{who.capitalize()} {_SETTINGS_PROBLEMS[status]} "
                                       f"({status}): {reason_of(response)}",
                                       "Check Settings → Sync."), status=status)


def _wire(event: Event) -> dict[str, Any]:
    return {"id": event.id, "seq": event.seq, "topic": event.topic, "aggregate": event.aggregate,
            "aggregate_id": event.aggregate_id, "occurred_at": event.occurred_at.isoformat(),
            "payload": event.payload}


class PortalDestination:
    """POST /branches/{branch}/events; a refused batch is split until the refused event is found."""

    name = "portal"

    def __init__(
        self, client: HttpClient, branch: str, *, batch_size: int = MAX_BATCH,
        topics: Collection[str] | None = None,
    ) -> None:
        self.client = client
        self.branch = branch
        self.batch_size = max(1, min(batch_size, MAX_BATCH))
        self._topics = frozenset(topics) if topics is not None else None
        # What each push says beside its events (the till's epoch and number counters, from
        # services/epochs.py); set by the cycle, which has the database.
        self.marks: Callable[[], Mapping[str, Any]] | None = None

    def wants(self, topic: str) -> bool:
        """Every topic, unless the portal was configured with a list."""
        return self._topics is None or topic in self._topics

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        """One outcome per event in order; a whole-batch 4xx is bisected down to one event."""
        if not events:
            return []
        beside = self.marks() if self.marks is not None else {}
        body = json.dumps({"events": [_wire(e) for e in events], **beside},
                          separators=(",", ":"), ensure_ascii=False).encode()
        response = self.client.request("POST", f"/branches/{self.branch}/events", data=body,
                                       content_type="application/json")
        if response.status_code == 200:
            return self._outcomes(events, response)
        raise_if_transient(response, self.client.who)
        if len(events) == 1:
            reason = reason_of(response) or f"refused with status {response.status_code}"
            return [Outcome(events[0].id, "rejected", reason)]
        # One bad event refuses the whole batch (400, 413): halve until it stands alone, so
        # only that event parks. Halves go in order, so each record's order is kept.
        middle = len(events) // 2
        return self.send(events[:middle]) + self.send(events[middle:])

    def _outcomes(self, events: Sequence[Event], response: requests.Response) -> list[Outcome]:
        try:
            results = response.json()["results"]
            by_id = {r["id"]: r for r in results}
        except (ValueError, KeyError, TypeError):
            raise TransientError(f"{self.client.who.capitalize()} sent an answer that could "
                                 "not be read; the batch will be sent again.",
                                 status=response.status_code) from None
        outcomes = []
        for event in events:
            result = by_id.get(event.id)
            if result is None or result.get("status") not in _STATUSES:
                # No usable answer for this event: nothing is settled, the batch goes again.
                raise TransientError(f"{self.client.who.capitalize()} did not answer for "
                                     f"event {event.seq}; the batch will be sent again.",
                                     status=response.status_code)
            outcomes.append(Outcome(event.id, result["status"], str(result.get("reason", ""))))
        return outcomes


@dataclass(frozen=True, slots=True)
class DocumentUpload:
    """What an upload run did: documents sent now, and those the portal already held."""

    uploaded: tuple[str, ...]
    already_held: tuple[str, ...]


def _missing(client: HttpClient, hashes: list[str]) -> list[str]:
    body = json.dumps({"sha256": hashes}).encode()
    response = client.request("POST", "/documents/missing", data=body,
                              content_type="application/json")
    raise_if_transient(response, client.who)
    if response.status_code != 200:
        raise BadInput(f"{client.who.capitalize()} refused the document list: "
                       f"{reason_of(response)}")
    missing = set(response.json().get("missing", []))
    return [h for h in hashes if h in missing]


def upload_documents(
    client: HttpClient, sha256s: Iterable[str], read: Callable[[str], bytes]
) -> DocumentUpload:
    """Ask which documents the portal lacks, then PUT only those (read(sha256) gives bytes)."""
    wanted = list(dict.fromkeys(sha256s))
    uploaded: list[str] = []
    for start in range(0, len(wanted), MAX_MISSING_QUERY):
        for sha in _missing(client, wanted[start:start + MAX_MISSING_QUERY]):
            response = client.request("PUT", f"/documents/{sha}", data=read(sha),
                                      content_type="application/octet-stream")
            raise_if_transient(response, client.who)
            if response.status_code not in (200, 201):
                raise BadInput(f"{client.who.capitalize()} refused document {sha[:12]}…: "
                               f"{reason_of(response)}")
            uploaded.append(sha)
    done = set(uploaded)
    return DocumentUpload(tuple(uploaded), tuple(h for h in wanted if h not in done))
