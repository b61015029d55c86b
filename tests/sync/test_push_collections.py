"""A push collects its young garbage less often, and the thresholds come back as they were."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence

import pytest

from sync import collection
from sync.collection import YOUNG, rarer_collections
from sync.contract import Event, Outcome, TransientError
from tests.sync.engine_helpers import engine
from warranty_desk.services import outbox as emitter
from warranty_desk.storage.database import Database

DEFAULT = (700, 10, 10)


@pytest.fixture(autouse=True)
def thresholds() -> Iterator[None]:
    """Each test starts from CPython's defaults, and the suite gets its own back."""
    before = gc.get_threshold()
    gc.set_threshold(*DEFAULT)
    yield
    gc.set_threshold(*before)


class _Seeing:
    """Takes everything, noting the young threshold during each send; fails on request."""

    name = "crm"
    batch_size = 2

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.seen: list[int] = []

    def wants(self, topic: str) -> bool:
        return True

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        self.seen.append(gc.get_threshold()[0])
        if self.fail:
            raise TransientError("The line dropped.", answered=False)
        return [Outcome(e.id, "accepted") for e in events]


def _outbox_of(db: Database, count: int) -> None:
    with db.write() as session:
        for n in range(count):
            emitter.emit(session, "customer.updated", "customer", f"CU-{n}", {"n": n})


@pytest.mark.parametrize("fail", [False, True])
def test_a_push_raises_the_young_threshold_and_puts_it_back(db: Database, fail: bool) -> None:
    _outbox_of(db, 5)
    dest = _Seeing(fail=fail)
    report = engine(db, dest).push_once()
    assert dest.seen and set(dest.seen) == {YOUNG}
    assert bool(report.errors) is fail
    assert gc.get_threshold() == DEFAULT


def test_a_push_that_raises_puts_them_back() -> None:
    with pytest.raises(RuntimeError), rarer_collections():
        assert gc.get_threshold() == (YOUNG, 10, 10)
        raise RuntimeError("a bug in the push")
    assert gc.get_threshold() == DEFAULT
    assert collection._users == 0


def test_pushes_on_two_threads_share_one_raise_and_the_last_one_out_restores() -> None:
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with rarer_collections():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    with rarer_collections():
        thread.start()
        assert inside.wait(10)
    # The first push ended; the other still runs, so the threshold stays raised.
    assert gc.get_threshold() == (YOUNG, 10, 10)
    leave.set()
    thread.join(10)
    assert gc.get_threshold() == DEFAULT


def test_thresholds_set_meanwhile_by_someone_else_stand() -> None:
    with rarer_collections():
        gc.set_threshold(2000, 20, 20)
    assert gc.get_threshold() == (2000, 20, 20)


@pytest.mark.parametrize("given", [(0, 10, 10), (YOUNG * 2, 10, 10)])
def test_collection_switched_off_or_already_rarer_is_left_alone(given: tuple[int, int, int]
                                                                ) -> None:
    gc.set_threshold(*given)
    with rarer_collections():
        assert gc.get_threshold() == given
    assert gc.get_threshold() == given


def test_garbage_cycles_made_during_a_push_are_still_collected() -> None:
    class Node:
        partner: object = None

    collected: list[int] = []
    gc.collect()

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            collected.append(info["collected"])

    gc.callbacks.append(count)
    try:
        with rarer_collections():
            for _ in range(4 * YOUNG):
                a, b = Node(), Node()
                a.partner, b.partner = b, a  # a cycle: only the collector frees it
    finally:
        gc.callbacks.remove(count)
    # Young collections ran during the push and freed the cycles it left.
    assert sum(collected) >= 2 * YOUNG
