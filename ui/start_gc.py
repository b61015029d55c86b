"""The garbage collector while the app starts: paused, then what the start made is frozen."""

from __future__ import annotations

import gc

# The start makes some 110,000 objects that live as long as the app (modules, classes,
# SQLAlchemy's tables and mappers) and under 2,000 that are garbage. With the collector on it
# walks the long-lived ones again and again before the window is ready: a tenth of the start
# for a few hundred kilobytes back. So it is paused until ready, and then everything the start
# made, the little garbage included, is frozen: left out of every later collection, which keeps
# those short while scans come in.


def pause_gc() -> bool:
    """Stop collecting until resume_gc; returns whether the collector was on."""
    was_on = gc.isenabled()
    gc.disable()
    return was_on


def resume_gc(was_on: bool) -> None:
    """Freeze what exists now and collect as before from here on."""
    gc.freeze()
    if was_on:
        gc.enable()
