"""UI fixtures: the demo shop on a real SQLite file, and the main window with inline tasks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from tests.conftest import TODAY
from ui.app import build
from ui.main_window import MainWindow
from ui.theme import apply_theme
from warranty_desk.services import demo, setup
from warranty_desk.storage.home import Home


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo shop built once; each test gets its own copy of the file."""
    home = Home(tmp_path_factory.mktemp("demo-template") / "home")
    db, _ = setup.init(home)
    demo.build_demo_shop(db, today=TODAY)
    db.dispose()
    return home.root


@pytest.fixture
def demo_home(demo_template: Path, tmp_path: Path) -> Home:
    import shutil

    target = tmp_path / "home"
    shutil.copytree(demo_template, target)
    return Home(target)


@pytest.fixture
def window(qtbot: Any, demo_home: Home) -> Iterator[MainWindow]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)
    win: MainWindow = build(demo_home, app, today=TODAY, inline=True)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.ctx.tasks.wait()
    win.ctx.db.dispose()
    # Delete the window now: a live one would be restyled by every later test's theme.
    win.close()
    app.removeEventFilter(win._idle_watch)
    win.deleteLater()
    # Without a running event loop, deferred deletes only happen when sent explicitly.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def sign_in(qtbot: Any, win: MainWindow, name: str, pin: str) -> None:
    """Pick a name and type the PIN, as a person would."""
    from PySide6.QtCore import Qt

    names = win.sign_in.names
    for row in range(names.count()):
        if names.item(row).text().startswith(name):
            names.setCurrentRow(row)
            break
    else:
        raise AssertionError(f"{name} is not on the sign-in list")
    win.sign_in.pin.setFocus()
    qtbot.keyClicks(win.sign_in.pin, pin)
    qtbot.keyClick(win.sign_in.pin, Qt.Key.Key_Return)
