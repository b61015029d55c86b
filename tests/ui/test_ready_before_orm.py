"""The real start takes a PIN before SQLAlchemy loads, and signing in at once still works."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from warranty_desk.storage.home import Home

# A fresh interpreter running the real start (run_app), probe off. At ready (the turn after the
# window is on screen and its scanners started, before anything is loaded behind it) it notes
# what is imported; then it picks a name, fills in the PIN and presses the button at once,
# while the database layer still loads (typed keys this fast would be taken for a scanner),
# and waits for the counter. It prints what it saw as a dict.
_CHILD = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.app import _Startup, run_app
from warranty_desk.storage.home import Home

seen = {}
after_ready = _Startup._after_ready

def finish():
    print(repr(seen), flush=True)
    QApplication.instance().quit()

def at_ready(self, window):
    QTimer.singleShot(60_000, finish)  # a start that gets stuck still says what it saw
    seen["orm"] = sorted(m for m in sys.modules
                         if m.split(".")[0] == "sqlalchemy" or m.startswith("warranty_desk.models"))
    seen["page"] = type(window.pages.currentWidget()).__name__
    after_ready(self, window)
    if len(sys.argv) > 2:
        QTimer.singleShot(0, lambda: sign_in(window, sys.argv[2], sys.argv[3]))
    else:
        finish()

def sign_in(window, name, pin):
    screen = window.sign_in
    row = next(n for n, (_id, who) in enumerate(screen.people) if who == name)
    screen.choose(row)
    screen.pin.setText(pin)
    seen["loaded_when_sent"] = window.ctx.db.loaded
    screen.button.click()
    def landed():
        shown = window.current_screen()
        if window.ctx.actor is None or shown is None:
            QTimer.singleShot(10, landed)
            return
        seen["who"] = window.ctx.actor.name
        seen["screen"] = type(shown).__name__
        finish()
    landed()

_Startup._after_ready = at_ready
sys.exit(run_app(Home(Path(sys.argv[1])), [sys.argv[0]]))
"""


def _start(home: Path, *sign_in: str) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("WARRANTY_DESK_STARTUP_PROBE", None)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(home), *sign_in], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    seen: dict[str, Any] = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    return seen


def test_the_sign_in_page_takes_keys_before_sqlalchemy_and_the_models_load(
        demo_home: Home) -> None:
    seen = _start(demo_home.root, "Olive Owner", "7777")
    assert seen["orm"] == []
    assert seen["page"] == "SignInScreen"
    # Typed the moment the page was ready: the sign-in waited for the layer on its own thread.
    assert seen["loaded_when_sent"] is False
    assert (seen["who"], seen["screen"]) == ("Olive Owner", "CounterScreen")


def test_a_new_shop_still_opens_on_the_first_run_setup(tmp_path: Path) -> None:
    seen = _start(tmp_path / "new-shop")
    assert seen["page"] == "FirstRunScreen"
