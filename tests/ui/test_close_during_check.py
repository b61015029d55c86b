"""Closing the app while it walks every page of a large file stops the walk: the process ends at
once, and the stopped check neither calls the file damaged nor counts as done."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from typing import Any

from tests.conftest import sqlite_file
from warranty_desk.storage import soundness
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

# A fresh interpreter running the real start (run_app). Once the walk of every page is under
# way (its statement has begun: SQLite calls the progress handler from inside it), the check's
# thread asks the GUI thread to close the window and waits there until closing has interrupted
# the statement (or until the app quits without stopping it); then the walk goes on and must
# stop at the interrupt. Stopped in this order whatever the machine's speed: nothing is timed.
# After run_app returns it prints what it saw as a dict.
_CHILD = r"""
import sys, threading, time
from pathlib import Path
from PySide6.QtCore import QMetaObject, Qt
from PySide6.QtWidgets import QApplication
from ui.app import _Startup, run_app
from warranty_desk.storage import soundness
from warranty_desk.storage.home import Home

seen = {"walking": False}
started = []
check_whole = _Startup._check_whole
hold = soundness.Stop.hold

quitting = threading.Event()

def capture(self, window):
    started.append((self, window))
    check_whole(self, window)
    # After the check's own: a quit that does not stop the check lets the walk go on.
    QApplication.instance().aboutToQuit.connect(quitting.set)

def held(stop, connection):
    hold(stop, connection)
    def first_step():  # on the check's thread, inside the running quick_check
        if seen["walking"]:
            return 0
        seen["walking"] = True
        startup, window = started[0]
        QMetaObject.invokeMethod(window, "close", Qt.ConnectionType.QueuedConnection)
        while not (stop.asked or quitting.is_set()):  # closing the window quits the app
            time.sleep(0.005)
        with stop._lock:  # the interrupt is made under the lock that set `asked`
            pass
        return 0
    connection.set_progress_handler(first_step, 1)

_Startup._check_whole = capture
soundness.Stop.hold = held
code = run_app(Home(Path(sys.argv[1])), [sys.argv[0]])
startup, window = started[0]
# The check lets its connection go before it says how it ended, and the app's end returns
# once the connection is let go: the check's own last step is waited for before reading it.
window.ctx.tasks.wait()
seen["whole_check"] = startup.whole_check
seen["refusal"] = window.ctx.db.refusal
seen["exit"] = code
print(repr(seen), flush=True)
"""


def _grow(home: Home) -> int:
    """Make the shop's file larger than the start walks (the till's own tables untouched)."""
    with sqlite_file(home.database) as connection:
        connection.execute("CREATE TABLE padding (b BLOB)")
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9000) "
            "INSERT INTO padding SELECT randomblob(4000) FROM n")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return home.database.stat().st_size


def test_closing_the_app_stops_the_walk_of_a_large_file(db: Database, home: Home) -> None:
    db.dispose()
    size = _grow(home)
    assert size > soundness.FULL_CHECK_MAX_BYTES  # the start leaves the walk for after ready
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("WARRANTY_DESK_STARTUP_PROBE", None)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(home.root)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    seen: dict[str, Any] = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert seen["walking"]  # closed while the walk ran
    assert seen["whole_check"] == "interrupted"  # stopped, not walked to the end
    assert seen["refusal"] is None  # and not taken for damage
    assert seen["exit"] == 0
    # Sound, as a walk to the end finds it: the next start checks it again from scratch.
    assert soundness.problem(home.database, full=True) is None
