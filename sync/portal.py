"""The head-office portal as a sync destination: event batches, and content-addressed documents."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args
from urllib.parse import urlsplit

import requests

from sync.contract import Event, Outcome, Status, TransientError
from sync.failures import Verdict, event_refused_for_good, judge, problem_code
from sync.http import HttpClient, reason_of, retry_after
from warranty_desk.errors import BadInput
from warranty_desk.redaction import redact
from warranty_desk.sentences import sentences

# The portal takes at most 500 events per request (EventBatch.maxItems in the OpenAPI file).
MAX_BATCH = 500
# The portal asks about at most 1000 documents at once (maxItems of /documents/missing).
MAX_MISSING_QUERY = 1000

# Events prepare() may hold encoded: the engine's look-ahead with a batch on the wire is five
# batches; twice that leaves room for leftovers before they are dropped.
_AHEAD_LIMIT = 10 * MAX_BATCH

_STATUSES = frozenset(get_args(Status))
# The portal's own refusal of the till's settings, by status, in words for Settings → Sync.
_SETTINGS_WORDS = {401: "refused the sync token", 403: "refused this branch",
                   404: "does not know this address or branch"}


class PortalRefused(BadInput):
    """The portal's own refusal of what was sent (its problem code says so): it stays refused."""

    def __init__(self, message: str, *, code: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _media(response: requests.Response) -> str:
    return (response.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()


def not_the_portal(response: requests.Response, who: str) -> TransientError:
    """The error for an answer that did not come from the portal: the till counts as offline."""
    status = response.status_code
    seen = f"HTTP {status}"
    location = response.headers.get("Location") or ""
    host = urlsplit(location).hostname if location else None
    if 300 <= status < 400:
        seen += f", sending the till to {host}" if host else ", a redirect"
    elif status == 407:
        seen += ", a proxy asking to sign in"
    elif _media(response):
        seen += f", {_media(response)}"
    # The page's own text is not repeated: it is not the portal's, and it may echo the token.
    return TransientError(
        f"a Wi-Fi sign-in page, a proxy or a firewall stands between this till and {who} "
        f"({seen}); sign in to the network or ask whoever runs it",
        answered=False, status=status, retry_after=retry_after(response.headers))


def portal_json(response: requests.Response, who: str) -> Any:
    """The JSON of a success answer; an answer that is not the portal's JSON means offline."""
    body = _json(response) if _media(response) == "application/json" else None
    if not isinstance(body, dict):
        raise not_the_portal(response, who)
    return body


def check_answer(response: requests.Response, who: str, what: str,
                 ok: Collection[int] = (200,)) -> None:
    """Return on a success status; otherwise raise what the answer means (sync.failures.judge).

    Not the portal's answer: TransientError with no answer (offline). "Not now" and "fix the
    settings": TransientError with the portal's reason. A refusal of `what` was sent:
    PortalRefused, which a batch is split on and a single event parks on.
    """
    status = response.status_code
    if status in ok:
        return
    body = _json(response)
    verdict = judge(status, response.headers.get("Content-Type") or "", body)
    if verdict is Verdict.FOREIGN:
        raise not_the_portal(response, who)
    reason = reason_of(response)
    if verdict is Verdict.LATER:
        raise TransientError(f"{who.capitalize()} answered {status} (it will be tried again): "
                             f"{reason}", retry_after=retry_after(response.headers),
                             status=status)
    if verdict is Verdict.SETTINGS:
        words = _SETTINGS_WORDS.get(status, "refused this till's sync settings")
        # The portal's own reason says where to look; saying it again reads as a stutter.
        advice = "" if "Settings → Sync" in reason else "Check Settings → Sync."
        raise TransientError(sentences(f"{who.capitalize()} {words} ({status}): {reason}",
                                       advice), status=status)
    raise PortalRefused(f"{who.capitalize()} refused {what}: {reason}",
                        code=str(problem_code(response.headers.get("Content-Type") or "", body)),
                        status=status)


# One encoder for every body: json.dumps with options builds a new one per call, and the
# events are encoded one by one (prepare).
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


# A str as a JSON string, as _ENCODE writes it (ensure_ascii=False): the json module's own.
_QUOTE: Callable[[str], str] = json.encoder.encode_basestring


def _json_bytes(value: Mapping[str, Any]) -> bytes:
    return _ENCODE(value).encode()


def _wire(event: Event) -> bytes:
    """One event as the push body carries it; its payload as the outbox stored it (JSON text
    written by services.outbox.encode), never decoded and encoded again on the way out.

    The head's members are the bytes _ENCODE writes for them (its own string quoting, an
    int's digits, an ISO time that needs none) put together in one f-string: encoding a dict
    per event was a fifth of the till's CPU in a push of 100k. Anything else in a field
    (not text, a seq that is not a plain int) goes through _ENCODE itself.
    """
    seq = event.seq
    if type(seq) is int:
        try:
            return (f'{{"id":{_QUOTE(event.id)},"seq":{seq},"topic":{_QUOTE(event.topic)},'
                    f'"aggregate":{_QUOTE(event.aggregate)},'
                    f'"aggregate_id":{_QUOTE(event.aggregate_id)},'
                    f'"occurred_at":"{event.occurred_at.isoformat()}",'
                    f'"payload":{event.payload_json}}}').encode()
        except TypeError:
            pass
    head = _ENCODE({"id": event.id, "seq": seq, "topic": event.topic,
                    "aggregate": event.aggregate, "aggregate_id": event.aggregate_id,
                    "occurred_at": event.occurred_at.isoformat()})
    return f'{head[:-1]},"payload":{event.payload_json}}}'.encode()


def batch_body(wired: Iterable[bytes], beside: Mapping[str, Any]) -> bytes:
    """{"events": [...], **beside}, from events already encoded one by one (_wire)."""
    return _body(b",".join(wired), beside)


def _body(joined: bytes, beside: Mapping[str, Any]) -> bytes:
    # The events' array members already joined with commas (batch_body, or a batch made
    # ready ahead by prepare_batch).
    rest = _json_bytes(beside)[1:-1]  # the object's members, without its braces
    return b"".join((b'{"events":[', joined, b"]", b"," if rest else b"", rest, b"}"))


@dataclass(frozen=True, slots=True)
class _Ready:
    """A whole batch made ready ahead (prepare_batch): its events' bytes joined, and the
    answer that stores every one of them, with the outcomes that answer means."""

    events: Sequence[Event]  # the very list the engine will send, matched by identity
    joined: bytes
    stored: list[dict[str, str]]
    outcomes: list[Outcome]



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
        # Events encoded ahead (prepare), by the identity of the Event object they came from.
        self._ahead: dict[int, tuple[Event, bytes]] = {}
        # The next batch, if the engine made it ready ahead (prepare_batch).
        self._ready: _Ready | None = None

    def wants(self, topic: str) -> bool:
        """Every topic, unless the portal was configured with a list."""
        return self._topics is None or topic in self._topics

    def prepare(self, events: Iterable[Event]) -> None:
        """Encode events ahead of their batch (sync.engine calls this on what it reads ahead,
        on its helper thread while a batch is on the wire), so send only joins the bytes.

        Only an optimisation: an event not prepared, or dropped here, is encoded by send.
        The two threads touch different keys, each with one dict operation at a time.
        """
        if len(self._ahead) > _AHEAD_LIMIT:
            # Left by events that were settled unsent (held behind a refusal) or by a look-ahead
            # given up (a failure): forgotten, so a long-running till holds no more than this.
            self._ahead.clear()
        for event in events:
            if self.wants(event.topic):
                self._ahead[id(event)] = (event, _wire(event))

    def _wired(self, events: Sequence[Event]) -> list[bytes]:
        """Each event's bytes: as prepared ahead, else encoded now. An event prepared ahead is
        taken as it was encoded: the very object sent now, held by the entry, so its id cannot
        have been reused for another one."""
        ahead = self._ahead
        return [got[1] if (got := ahead.pop(id(e), None)) is not None else _wire(e)
                for e in events]

    def prepare_batch(self, events: Sequence[Event]) -> None:
        """Make the batch the engine expects to send next ready ahead (sync.engine calls this
        on its helper thread while the batch before is on the wire): between that batch's
        answer and this one's request only the marks are then encoded, and an answer that
        stores every event is checked with one comparison.

        Only an optimisation: send_then uses it for this very list of events and no other,
        and it is dropped at the next send either way.
        """
        self._ready = _Ready(events, b",".join(self._wired(events)),
                             [{"id": e.id, "status": "accepted"} for e in events],
                             [_NEW_TUPLE(Outcome, (e.id, "accepted", "", "")) for e in events])

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        """One outcome per event in order; a whole-batch 4xx is bisected down to one event."""
        return self.send_then(events, None)

    def send_then(self, events: Sequence[Event], on_wire: Callable[[], None] | None
                  ) -> list[Outcome]:
        """send(events), calling `on_wire` once the batch is written and before its answer is
        read (sync.engine starts the till's own work for the next batch then)."""
        if not events:
            return []
        # Read now, not when the batch was made ready: they say where the till stands as
        # the batch goes.
        beside = self.marks() if self.marks is not None else {}
        ready, self._ready = self._ready, None
        if ready is not None and ready.events is events:
            body = _body(ready.joined, beside)
        else:
            ready = None
            body = batch_body(self._wired(events), beside)
        response = self.client.request("POST", f"/branches/{self.branch}/events", data=body,
                                       content_type="application/json", on_wire=on_wire)
        try:
            check_answer(response, self.client.who, "the batch")
        except PortalRefused:
            if len(events) == 1:
                reason = reason_of(response) or f"refused with status {response.status_code}"
                code = problem_code(response.headers.get("Content-Type") or "",
                                    _json(response)) or ""
                return [Outcome(events[0].id, "rejected", reason, code)]
        else:
            return self._outcomes(events, response, ready)
        # The portal's own refusal of the whole batch (400, 413): halve until the event at
        # fault stands alone, so only it parks. Halves go in order, so each record's order is
        # kept. Anything that is not the portal's refusal was raised above and parks nothing.
        middle = len(events) // 2
        return self.send(events[:middle]) + self.send(events[middle:])

    def _outcomes(self, events: Sequence[Event], response: requests.Response,
                  ready: _Ready | None = None) -> list[Outcome]:
        body = portal_json(response, self.client.who)
        results = body.get("results")
        if ready is not None and results == ready.stored:
            # Every event stored now, each answered with only its id and status, in order
            # (nearly every answer): the outcomes were made with the batch.
            return ready.outcomes
        plain = _plain_outcomes(events, results)
        if plain is not None:
            return plain
        try:
            results = body["results"]
            by_id = {r["id"]: r for r in results}
        except (ValueError, KeyError, TypeError):
            raise TransientError(f"{self.client.who.capitalize()} sent an answer that could "
                                 "not be read; the batch will be sent again.",
                                 status=response.status_code) from None
        outcomes = []
        for event in events:
            result = by_id.get(event.id)
            status: Any = None if result is None else result.get("status")
            if status not in _STATUSES:
                # No usable answer for this event: nothing is settled, the batch goes again.
                raise TransientError(f"{self.client.who.capitalize()} did not answer for "
                                     f"event {event.seq}; the batch will be sent again.",
                                     status=response.status_code)
            assert result is not None
            if len(result) == 2 and status != "rejected":
                # Only its id and status (nearly every answer): stored, nothing to say.
                outcomes.append(Outcome(event.id, status))
                continue
            reason = redact(str(result.get("reason", "")))
            if status == "rejected" and not event_refused_for_good(result):
                # Head office cannot take it yet (a topic or version it does not know): nothing
                # parks; the batch goes again later, and what it stored comes back duplicate.
                raise TransientError(
                    f"{self.client.who.capitalize()} cannot take event {event.seq} "
                    f"({event.topic}) yet; it will be sent again: {reason}",
                    status=response.status_code)
            # Kept in the sync panel as it is: through the redaction step first.
            outcomes.append(Outcome(event.id, status, reason, str(result.get("code") or "")))
        return outcomes


# Outcome(event_id, status) without the named tuple's own __new__ (a Python function): one
# per event of a push, on the path between an answer and the next batch.
_NEW_TUPLE = tuple.__new__
_STORED = frozenset(("accepted", "duplicate"))


def _plain_outcomes(events: Sequence[Event], results: Any) -> list[Outcome] | None:
    """The outcomes of an answer in the order sent, each only its event's id and a status
    that stores it (nearly every answer), read in one pass; None for anything else, which
    PortalDestination._outcomes reads by id."""
    if type(results) is not list or len(results) != len(events):
        return None
    outcomes: list[Outcome] = []
    add = outcomes.append
    for event, result in zip(events, results, strict=True):
        event_id = event.id
        if type(result) is not dict or len(result) != 2 or result.get("id") != event_id:
            return None
        status = result.get("status")
        if status not in _STORED:
            return None
        add(_NEW_TUPLE(Outcome, (event_id, status, "", "")))
    return outcomes


@dataclass(frozen=True, slots=True)
class DocumentUpload:
    """What an upload run did, and which documents (with the events naming them) must wait."""

    uploaded: tuple[str, ...]
    already_held: tuple[str, ...]
    # Not known to be at the portal after this run (no answer, "not now"): their events wait.
    waiting: tuple[str, ...] = ()
    # Refused by the portal itself: shown to a person; their events go without them.
    refused: tuple[str, ...] = ()
    # What stopped the run or refused a document, in the order met.
    errors: tuple[TransientError | BadInput, ...] = ()


def _missing(client: HttpClient, hashes: list[str]) -> list[str]:
    body = json.dumps({"sha256": hashes}).encode()
    response = client.request("POST", "/documents/missing", data=body,
                              content_type="application/json")
    check_answer(response, client.who, "the document list")
    found = portal_json(response, client.who).get("missing")
    if not isinstance(found, list):
        raise not_the_portal(response, client.who)
    missing = {h for h in found if isinstance(h, str)}
    return [h for h in hashes if h in missing]


def upload_documents(
    client: HttpClient, sha256s: Iterable[str], read: Callable[[str], bytes]
) -> DocumentUpload:
    """Ask which documents the portal lacks, then PUT only those (read(sha256) gives bytes).

    Never raises for what the portal or the network does: a document that could not go is
    listed as waiting (or refused), so only the events that name it wait for it.
    """
    wanted = list(dict.fromkeys(sha256s))
    uploaded: list[str] = []
    held: list[str] = []
    refused: list[str] = []
    errors: list[TransientError | BadInput] = []
    try:
        for start in range(0, len(wanted), MAX_MISSING_QUERY):
            chunk = wanted[start:start + MAX_MISSING_QUERY]
            missing = _missing(client, chunk)
            held += [h for h in chunk if h not in set(missing)]
            for sha in missing:
                response = client.request("PUT", f"/documents/{sha}", data=read(sha),
                                          content_type="application/octet-stream")
                try:
                    check_answer(response, client.who, f"document {sha[:12]}…", ok=(200, 201))
                except PortalRefused as exc:
                    refused.append(sha)
                    errors.append(exc)
                    continue
                uploaded.append(sha)
    except TransientError as exc:
        # No answer or "not now": what is not known to be there waits, with its events.
        errors.append(exc)
    except PortalRefused as exc:
        errors.append(exc)  # the list itself was refused: nothing is known, all wait
    settled = set(uploaded) | set(held) | set(refused)
    return DocumentUpload(tuple(uploaded), tuple(held),
                          tuple(h for h in wanted if h not in settled), tuple(refused),
                          tuple(errors))
