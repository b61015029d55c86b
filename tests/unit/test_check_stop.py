"""A walk of every page can be stopped from another thread: it then says nothing about the file
(neither sound nor damaged), while a walk left alone still finds damage."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from tests.conftest import sqlite_file
from warranty_desk.services import damage
from warranty_desk.storage import soundness
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


def _padded(home: Home, rows: int = 2000) -> Path:
    """The shop's file with a table of blobs: pages enough for a walk to be under way."""
    with sqlite_file(home.database) as connection:
        connection.execute("CREATE TABLE padding (b BLOB)")
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO padding SELECT randomblob(3000) FROM n", (rows,))
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return home.database


@pytest.fixture
def padded(db: Database, home: Home) -> Home:
    db.dispose()
    _padded(home)
    return home


def test_a_check_stopped_before_it_walks_raises_interrupted(padded: Home) -> None:
    stop = soundness.Stop()
    assert stop.stop() is True  # nothing running: nothing to wait for
    with pytest.raises(soundness.Interrupted):
        damage.deep_check(padded, stop)


def test_a_check_stopped_mid_walk_raises_interrupted_not_damage(
        padded: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    walking, outcome = threading.Event(), []
    hold = soundness.Stop.hold

    def held(stop: soundness.Stop, connection: sqlite3.Connection) -> None:
        hold(stop, connection)

        def first_step() -> int:  # inside the running quick_check, on the check's thread
            if not walking.is_set():
                walking.set()
                while not stop.asked:
                    threading.Event().wait(0.005)
                with stop._lock:  # the interrupt is made under the lock that set `asked`
                    pass
            return 0  # the walk goes on, and must stop at the interrupt itself

        connection.set_progress_handler(first_step, 1)

    monkeypatch.setattr(soundness.Stop, "hold", held)
    stop = soundness.Stop()

    def check() -> None:
        try:
            outcome.append(damage.deep_check(padded, stop))
        except soundness.Interrupted as exc:
            outcome.append(exc)

    worker = threading.Thread(target=check)
    worker.start()
    assert walking.wait(60)
    assert stop.stop() is True  # returns once the check has let its connection go
    worker.join()
    assert len(outcome) == 1 and isinstance(outcome[0], soundness.Interrupted)
    assert damage.deep_check(padded, soundness.Stop()) is None  # the file is sound


def test_a_walk_left_alone_still_finds_damage(padded: Home) -> None:
    with sqlite_file(padded.database) as connection:
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'padding'").fetchone()
        (size,) = connection.execute("PRAGMA page_size").fetchone()
    with padded.database.open("r+b") as handle:  # the padding's root page overwritten
        handle.seek((root - 1) * size)
        handle.write(b"\xa5" * size)
    said = damage.deep_check(padded, soundness.Stop())
    assert said is not None and "is damaged" in said
