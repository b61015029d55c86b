"""The warm-up after the start: one step per event-loop turn, and only while nobody is signed in."""

from __future__ import annotations

import gc
from typing import Any

from ui.main_window import MainWindow
from ui.start_gc import pause_gc, resume_gc
from ui.warmup import Warmup, import_step
from warranty_desk.permissions import Actor, Role


def test_steps_run_one_at_a_time_until_someone_signs_in_and_go_on_after_sign_out(
    qtbot: Any, window: MainWindow
) -> None:
    done: list[int] = []

    def first() -> None:  # someone signs in while the warm-up is under way
        done.append(0)
        window.ctx.sign_in(Actor(staff_id=None, name="Sam", role=Role.SALES))

    warmup = Warmup(window.ctx, [first] + [lambda n=n: done.append(n) for n in (1, 2, 3)],
                    gap_ms=1)
    warmup.start()
    qtbot.waitUntil(lambda: done == [0])
    qtbot.wait(30)
    assert done == [0]
    window.ctx.sign_out()
    qtbot.waitUntil(lambda: done == [0, 1, 2, 3])
    assert warmup.steps == []


def test_a_failing_step_is_logged_and_the_rest_still_run(qtbot: Any, window: MainWindow,
                                                         caplog: Any) -> None:
    done: list[str] = []
    warmup = Warmup(window.ctx, [import_step("ui.no_such_module"),
                                 lambda: done.append("after")], gap_ms=1)
    warmup.start()
    qtbot.waitUntil(lambda: done == ["after"])
    assert "warming up failed" in caplog.text


def test_the_collector_pauses_for_the_start_and_comes_back_with_the_start_frozen() -> None:
    assert gc.isenabled()
    before = gc.get_freeze_count()
    was_on = pause_gc()
    try:
        assert was_on and not gc.isenabled()
        kept = [[] for _ in range(100)]
    finally:
        resume_gc(was_on)
    assert gc.isenabled() and gc.get_freeze_count() >= before + len(kept)
    gc.unfreeze()  # the rest of the test session collects as before
