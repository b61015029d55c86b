"""Rarer young-generation garbage collections while a push runs, put back as they were after it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# CPython collects its youngest generation each time 700 more container objects are alive
# than at the last collection. A push keeps about 2,500 events read ahead alive across a
# batch (with their encodings and the answer's outcomes), so at 700 every young collection
# finds the window still alive and promotes it, and once promoted their frees no longer
# offset new allocations: 386 young, 35 middle and 3 full collections per 100k events, a
# sixth of the till's CPU in a push (0.2-0.3 s), much of it between an answer and the next
# request. With room for the window, objects die young: 4 collections in all. Collection
# still runs (cycles are found every YOUNG net allocations), so nothing piles up unbounded.
YOUNG = 5000

_lock = threading.Lock()
_users = 0
# The thresholds before the first push raised them, and what it raised them to; None when
# they were left alone (already at least YOUNG, or collection switched off: threshold 0).
_saved: tuple[int, int, int] | None = None
_raised: tuple[int, int, int] | None = None


@contextmanager
def rarer_collections() -> Iterator[None]:
    """Young collections every YOUNG net allocations while any push runs (pushes on several
    threads share one raise); the earlier thresholds come back when the last one ends,
    unless something else set thresholds of its own meanwhile, which then stand."""
    global _users, _saved, _raised
    with _lock:
        if _users == 0:
            young, middle, old = gc.get_threshold()
            if 0 < young < YOUNG:
                _saved, _raised = (young, middle, old), (YOUNG, middle, old)
                gc.set_threshold(*_raised)
            else:
                _saved = _raised = None
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _saved is not None:
                if gc.get_threshold() == _raised:
                    gc.set_threshold(*_saved)
                _saved = _raised = None
