"""Pending events read ahead of the cursor, and the choice of what the next batch carries."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from sync.contract import Destination, Event
from sync.ledger import Head, Key

# Read ahead this many batches: a batch carries one event per record, so a record with several
# events in a row (a decision writes four) leaves the rest for the next batch, and the
# look-ahead fills the batch from other records instead. Memory stays at a few thousand events.
LOOKAHEAD_BATCHES = 4


def key_of(event: Event) -> Key:
    """The record an event belongs to."""
    return (event.aggregate, event.aggregate_id)


@dataclass(slots=True)
class Plan:
    """One step: events to send, events to park as held unsent, events this receiver skips."""

    send: list[Event] = field(default_factory=list)
    held: list[tuple[Event, Head]] = field(default_factory=list)
    skipped: list[Event] = field(default_factory=list)
    # Not sent and not settled: waiting for a document of theirs (or of an earlier event of
    # the same record) that is not at the receiver yet.
    waiting: int = 0

    def settled_seqs(self) -> list[int]:
        """Every seq this step settles once the receiver has answered."""
        return [e.seq for e in self.send] + [e.seq for e, _ in self.held] + [
            e.seq for e in self.skipped]


class PendingWindow:
    """Unsettled events beyond the cursor, oldest first, topped up in chunks."""

    def __init__(
        self, read: Callable[[int, int, int], list[Event]], cursor: int, capacity: int,
        settled: Collection[int] = (),
    ) -> None:
        self._read = read  # (after_seq, limit, upto_seq) -> events, oldest first
        self._capacity = capacity
        # Settled above the cursor in an earlier push (kept in the ledger): never read again.
        self._settled = set(settled)
        self._events: dict[int, Event] = {}  # insertion order is seq order
        self._last_read = cursor
        # The cursor as committed in the database: a window is only reused while it matches.
        self.committed = cursor

    def fill(self, upto: int, *, extra: int = 0) -> list[Event]:
        """Top up to capacity (plus `extra`) with the next events after the last one read, up
        to seq `upto`; the events it added.

        `extra` is room for a batch on the wire: its events are still held here until the
        answer settles them, and reading the look-ahead meanwhile keeps the next batch ready.
        """
        room = self._capacity + extra - len(self._events)
        added: list[Event] = []
        while room > 0:
            events = self._read(self._last_read, room, upto)
            for event in events:
                self._last_read = event.seq
                if event.seq in self._settled:
                    self._settled.discard(event.seq)
                else:
                    self._events[event.seq] = event
                    added.append(event)
                    room -= 1
            if not events:
                break
        return added

    def __len__(self) -> int:
        return len(self._events)

    def events(self) -> Iterable[Event]:
        """The unsettled events, oldest first."""
        return self._events.values()

    def settle(self, seqs: Iterable[int]) -> None:
        """Drop events the receiver answered for (or that needed no answer)."""
        for seq in seqs:
            del self._events[seq]

    @property
    def floor(self) -> int:
        """The highest seq at and below which every event is settled: the new cursor."""
        first = next(iter(self._events), None)
        return self._last_read if first is None else first - 1


def plan_batch(
    events: Iterable[Event], destination: Destination, heads: Mapping[Key, Head],
    waits: Callable[[Event], bool] | None = None,
) -> Plan:
    """Up to batch_size events, at most one per record, so a refusal never overtakes.

    `waits` says whether an event must wait for something of its own (its document): it and
    the later events of its record stay unsent and unsettled; every other record goes on.
    """
    plan = Plan()
    in_batch: set[Key] = set()
    waiting: set[Key] = set()
    for event in events:
        key = key_of(event)
        if not destination.wants(event.topic):
            plan.skipped.append(event)
        elif key in heads:
            # The record has a parked event before this one: it waits, unsent, in order.
            plan.held.append((event, heads[key]))
        elif key in waiting or (waits is not None and waits(event)):
            waiting.add(key)
            plan.waiting += 1
        elif key not in in_batch:
            in_batch.add(key)
            plan.send.append(event)
            if len(plan.send) >= destination.batch_size:
                break
    return plan
