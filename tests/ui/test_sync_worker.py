"""The sync worker alone: its own thread, its timer, new settings, stopping, and its failures."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from sync import secrets
from sync.runner import CycleReport, run_cycle
from tests.conftest import pinned_clock
from tests.liveportal.branch_view import BranchPortal
from tests.ui.sync_helpers import CYCLE_MS
from ui.sync.worker import NOT_SET_UP, SyncWorker
from warranty_desk import config
from warranty_desk.config import Settings, SyncSettings
from warranty_desk.services import setup
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


@pytest.fixture
def db(demo_home: Home) -> Iterator[Database]:
    database, _ = setup.init(demo_home, clock=pinned_clock())
    yield database
    database.dispose()


def _configure(home: Home, portal: BranchPortal, **changes: Any) -> None:
    config.save(home, Settings(sync=SyncSettings(portal_url=portal.url, **changes)))
    secrets.set_secret(home, secrets.PORTAL_TOKEN, portal.token)


class Recorded:
    """The real cycle, noting the thread each one ran on."""

    def __init__(self) -> None:
        self.threads: list[str] = []

    def __call__(self, *args: Any, **kwargs: Any) -> CycleReport:
        self.threads.append(threading.current_thread().name)
        return run_cycle(*args, **kwargs)


@pytest.fixture
def worker_of(demo_home: Home, db: Database) -> Iterator[Any]:
    made: list[SyncWorker] = []

    def make(**options: Any) -> SyncWorker:
        worker = SyncWorker(demo_home, db, **options)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        assert worker.stop()


def test_the_worker_syncs_at_start_and_on_its_timer_on_its_own_thread(
    qtbot: Any, demo_home: Home, portal: BranchPortal, worker_of: Any
) -> None:
    _configure(demo_home, portal)
    cycle = Recorded()
    worker = worker_of(cycle=cycle, interval_seconds=0.2)
    reports: list[CycleReport] = []
    worker.cycle_done.connect(reports.append)
    worker.start()
    qtbot.waitUntil(lambda: len(reports) >= 2, timeout=CYCLE_MS)
    assert reports[0].online and reports[0].pushed is not None
    assert reports[0].pushed.delivered == len(portal.event_ids()) > 0
    assert reports[1].pushed is not None and reports[1].pushed.delivered == 0
    assert set(cycle.threads) == {"sync-worker"}
    assert threading.current_thread().name != "sync-worker"


def test_stop_ends_the_thread_between_cycles(
    qtbot: Any, demo_home: Home, portal: BranchPortal, worker_of: Any
) -> None:
    _configure(demo_home, portal)
    worker = worker_of(interval_seconds=0.05)
    with qtbot.waitSignal(worker.cycle_done, timeout=CYCLE_MS):
        worker.start()
    assert worker.stop(timeout=10)
    assert not worker.is_running()
    assert not [t for t in threading.enumerate() if t.name == "sync-worker"]


def test_sync_now_runs_a_cycle_without_waiting_for_the_interval(
    qtbot: Any, demo_home: Home, portal: BranchPortal, worker_of: Any
) -> None:
    _configure(demo_home, portal)
    worker = worker_of(interval_seconds=3600)
    with qtbot.waitSignal(worker.cycle_done, timeout=CYCLE_MS):
        worker.start()
    with qtbot.waitSignal(worker.cycle_done, timeout=CYCLE_MS) as again:
        worker.sync_now()
    assert again.args[0].online


def test_a_till_without_a_portal_does_not_sync_until_its_settings_say_so(
    qtbot: Any, demo_home: Home, portal: BranchPortal, worker_of: Any
) -> None:
    worker = worker_of(interval_seconds=0.05)
    with qtbot.waitSignal(worker.set_up, timeout=CYCLE_MS) as first:
        worker.start()
    assert first.args == [False]
    with qtbot.waitSignal(worker.failed, timeout=CYCLE_MS) as asked:
        worker.sync_now()
    assert asked.args == [NOT_SET_UP]
    assert portal.calls == []

    _configure(demo_home, portal)
    with qtbot.waitSignal(worker.cycle_done, timeout=CYCLE_MS) as done:
        worker.reload()
    assert done.args[0].online
    assert portal.event_ids()


def test_settings_that_cannot_work_are_reported_in_plain_words(
    qtbot: Any, demo_home: Home, portal: BranchPortal, worker_of: Any
) -> None:
    config.save(demo_home, replace(Settings(), sync=SyncSettings(portal_url=portal.url)))
    worker = worker_of(interval_seconds=3600)
    with qtbot.waitSignal(worker.failed, timeout=CYCLE_MS) as failed:
        worker.start()
    assert "sync token" in failed.args[0]
    assert "Settings > Sync" in failed.args[0]


def test_a_bug_in_a_cycle_is_logged_with_its_traceback_and_reported_as_one(
    qtbot: Any, demo_home: Home, portal: BranchPortal, worker_of: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _configure(demo_home, portal)

    def broken(*_args: Any, **_kwargs: Any) -> CycleReport:
        raise ZeroDivisionError("a slip in the code")

    worker = worker_of(cycle=broken, interval_seconds=3600)
    with caplog.at_level(logging.ERROR), \
            qtbot.waitSignal(worker.failed, timeout=CYCLE_MS) as failed:
        worker.start()
    assert "a bug, not your mistake" in failed.args[0]
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)
    assert worker.is_running()  # the loop outlives the bug and tries again next time


def test_a_worker_deleted_by_a_closing_app_mid_pass_ends_its_thread_quietly(
    demo_home: Home, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A start that quits at once: Qt deletes the worker while its first pass is loading the
    # settings; its signals then raise, and the thread must end without a traceback.
    import shiboken6

    loading, deleted = threading.Event(), threading.Event()

    def slow_settings(home: Home) -> SyncSettings:
        loading.set()
        deleted.wait(5)
        return SyncSettings()

    worker = SyncWorker(demo_home, db, load_settings=slow_settings)
    raised: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    worker.start()
    assert loading.wait(5)
    thread = worker._thread
    assert thread is not None
    shiboken6.delete(worker)
    deleted.set()
    thread.join(5)
    assert not thread.is_alive()
    assert raised == []
