"""No screen takes a key the main window uses to switch screens (F5 was Returns desk and reload).

Two keys bound in the same window cancel each other out: Qt calls the press ambiguous and runs
neither. So a screen's own keys, listed in F1 or bound as shortcuts, must differ from every
navigation key and from the window's own (F1 help, Ctrl+L lock).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence, QShortcut

from tests.ui.conftest import open_window
from ui.app import screen_classes
from ui.main_window import MainWindow
from warranty_desk.storage.home import Home

WINDOW_KEYS = {"F1": "help", "Ctrl+L": "lock"}


def _taken() -> dict[str, str]:
    """Every key the main window binds, and what it does."""
    keys = {cls.shortcut: f"opens {cls.title}" for cls in screen_classes() if cls.shortcut}
    return {**keys, **WINDOW_KEYS}


def _screens() -> list[Any]:
    return [pytest.param(cls, id=cls.__name__) for cls in screen_classes()]


@pytest.mark.parametrize("cls", _screens())
def test_no_help_key_of_a_screen_is_a_key_the_window_uses(cls: Any) -> None:
    taken = _taken()
    clashes = [f"{part} ({words}) {taken[part]}" for key, words in cls.help_keys
               for part in (p.strip() for p in key.split("/")) if part in taken]
    assert clashes == [], f"{cls.__name__} lists keys the window already uses: {clashes}"


@pytest.fixture
def one_screen(qapp: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch,
                 request: pytest.FixtureRequest) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch, [request.param])


@pytest.mark.parametrize("one_screen", _screens(), indirect=True)
def test_no_shortcut_a_screen_binds_is_a_key_the_window_uses(one_screen: MainWindow) -> None:
    # The window's own keys as bound (a key added there later is checked too), and the key of
    # every screen, including those this narrowed window leaves out.
    taken = {s.key().toString(QKeySequence.SequenceFormat.PortableText): "window"
             for s in one_screen.findChildren(QShortcut) if s.parent() is one_screen}
    taken.update(_taken())
    (spec,) = one_screen.stack.specs
    screen = one_screen.stack.screen_for(spec.name)  # screens are built when first shown
    bound = {s.key().toString(QKeySequence.SequenceFormat.PortableText)
             for s in screen.findChildren(QShortcut)}
    clashes = sorted(key for key in bound if key in taken)
    assert clashes == [], f"{type(screen).__name__} binds {clashes}, which the window uses"
