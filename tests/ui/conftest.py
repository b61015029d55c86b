"""UI fixtures: the demo shop on a real SQLite file, and the main window with inline tasks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from tests.conftest import pinned_clock
from tests.ui.till import Till
from ui.app import build
from ui.main_window import MainWindow
from ui.screens.base import Screen
from ui.screens.registry import spec_named
from ui.theme import apply_theme
from warranty_desk.demo.story import build_demo_shop
from warranty_desk.services import setup
from warranty_desk.storage.home import Home


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo shop built once; each test gets its own copy of the file."""
    home = Home(tmp_path_factory.mktemp("demo-template") / "home")
    db, _ = setup.init(home, clock=pinned_clock())
    build_demo_shop(db)
    db.dispose()
    return home.root


@pytest.fixture
def demo_home(demo_template: Path, tmp_path: Path) -> Home:
    import shutil

    target = tmp_path / "home"
    shutil.copytree(demo_template, target)
    return Home(target)


def open_window(
    home: Home, monkeypatch: pytest.MonkeyPatch | None = None,
    screens: Sequence[type[Screen]] | None = None,
) -> Iterator[MainWindow]:
    """The main window on a home, tasks inline; deleted at the end, not on a later loop turn.

    `screens` narrows the window to some screens (a test about one screen); by default every
    screen the app registers is there.
    """
    import ui.app

    if screens is not None and monkeypatch is not None:
        chosen = [spec_named(cls.__name__) for cls in screens]
        monkeypatch.setattr(ui.app, "screen_specs", lambda: chosen)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)
    win: MainWindow = build(home, app, clock=pinned_clock(), inline=True)
    win.show()
    try:
        yield win
    finally:
        close_window(win)


def close_window(win: MainWindow) -> None:
    """Wait for its work, close it, close its database, and delete the window now (a live
    window would also be restyled by every later test's theme)."""
    win.close_for_good()


def open_syncing_window(home: Home) -> Iterator[MainWindow]:
    """The window with its sync worker running; only the tests' requests sync."""
    for window in open_window(home):  # closed when the loop resumes it
        window.activateWindow()
        QApplication.processEvents()
        # The timer is an hour: every cycle in these tests is one the test asked for.
        window.sync_worker.interval_seconds = 3600
        window.start_sync()
        try:
            yield window
        finally:
            window.sync_worker.stop()  # before the window's database is disposed


@pytest.fixture
def window(qapp: QApplication, demo_home: Home) -> Iterator[MainWindow]:
    """The demo shop's main window with every screen."""
    yield from open_window(demo_home)


def sign_in(qtbot: Any, win: MainWindow, name: str, pin: str) -> int:
    """Press the letter beside the name, type the PIN, Enter, as a person would: each key goes
    to the widget that has focus. Returns the number of keys pressed."""
    from PySide6.QtCore import Qt

    if win.ctx.actor is not None:  # someone else is signed in: lock first, as a person would
        qtbot.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    screen = win.sign_in
    row = next((n for n, (_id, who) in enumerate(screen.people) if who == name), None)
    if row is None:
        raise AssertionError(f"{name} is not on the sign-in list")
    keys: list[Any] = [screen.names.keys[row], *pin]
    if screen.chosen is not None:  # someone is picked already: Esc first, as a person would
        keys.insert(0, Qt.Key.Key_Escape)
    for key in keys:
        qtbot.keyClick(win.focusWidget(), key)
    qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Return)
    return len(keys) + 1


def sale_with_an_offer(win: MainWindow, quantity: int = 1) -> Any:
    """The sale screen with a phone line entered by hand, its extension offer not answered."""
    sale: Any = win.show_screen("SaleScreen")
    sale.new_manual_sale()
    sale.receipt.setText("TILL-OFFER-1")
    sale.search.setText("ORB-X-PHN")
    sale.quantity.setValue(quantity)
    sale.add_line()
    for _ in range(3):  # the line is laid out and scrolled into view on the next turns
        QApplication.processEvents()
    return sale


@pytest.fixture
def till(qtbot: Any, demo_home: Home) -> Iterator[Till]:
    """Sam Sales at the till with the app's scanners listening (started after the PIN)."""
    for win in open_window(demo_home):
        win.activateWindow()
        sign_in(qtbot, win, "Sam Sales", "1111")
        person = Till(qtbot, win)
        person.start_scanners()
        yield person
        person.stop_scanners()


def db_rows(win: MainWindow, query: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows straight from the window's database file, as a check beside what the screen says."""
    import sqlite3

    conn = sqlite3.connect(win.ctx.db.path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def type_into(widget: Any, text: str) -> None:
    """Type text as key presses, one per character; QTest's own keyClicks knows only ASCII."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeyEvent

    for ch in text:
        key = ord(ch.upper()) if ch.isascii() and ch.isprintable() else 0
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                     ch))


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[None]:
    """Secrets go to each test home's owner-only file, never to this machine's keyring."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(before)

