"""No key is bound twice where both bindings can act at once: Qt then runs neither (an
ambiguous shortcut), so a key a person has learnt silently stops working. Every screen the
owner can open is shown, with a claim and a customer loaded, and every tab of each."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from tests.ui.conftest import db_rows, sign_in
from ui.keys import IN_WIDGET_AND_CHILDREN, IN_WINDOW, ON_WIDGET
from ui.main_window import MainWindow
from ui.screens.base import Screen
from ui.screens.registry import SCREENS


def _within(inner: QWidget, outer: QWidget) -> bool:
    widget: QWidget | None = inner
    while widget is not None:
        if widget is outer:
            return True
        widget = widget.parentWidget()
    return False


def _both_can_act(a: QShortcut, b: QShortcut) -> bool:
    """Whether one focus can wake both (Qt's rule for each context)."""
    pa, pb = a.parent(), b.parent()
    assert isinstance(pa, QWidget) and isinstance(pb, QWidget)
    ca, cb = a.context(), b.context()
    if IN_WINDOW in (ca, cb):
        return True
    if ca == cb == ON_WIDGET:
        return pa is pb
    if ca == cb == IN_WIDGET_AND_CHILDREN:
        return _within(pa, pb) or _within(pb, pa)
    # One acts on its widget alone, the other anywhere inside its own.
    on, around = (pa, pb) if ca == ON_WIDGET else (pb, pa)
    return _within(on, around)


def _name(shortcut: QShortcut) -> str:
    parent = shortcut.parent()
    assert isinstance(parent, QWidget)
    return parent.objectName() or type(parent).__name__


def _clashes(win: MainWindow, where: str) -> list[str]:
    """The keys two live bindings share on what is shown now."""
    QApplication.processEvents()
    live = defaultdict(list)
    for shortcut in win.findChildren(QShortcut):
        parent = shortcut.parent()
        if (shortcut.isEnabled() and isinstance(parent, QWidget) and parent.isVisible()
                and parent.window() is win):
            key = shortcut.key().toString(QKeySequence.SequenceFormat.PortableText)
            live[key].append(shortcut)
    found = []
    for key, bound in live.items():
        for n, a in enumerate(bound):
            found += [f"{where}: {key} is bound on {_name(a)} and on {_name(b)}"
                      for b in bound[n + 1:] if _both_can_act(a, b)]
    return found


def _every_tab(win: MainWindow, screen: Screen, where: str) -> list[str]:
    found = _clashes(win, where)
    for tabs in screen.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            found += _clashes(win, f"{where}, tab {tabs.tabText(index)!r}")
    return found


def test_no_two_live_bindings_share_a_key_on_any_screen_or_tab(
    qtbot: Any, window: MainWindow
) -> None:
    win = window
    sign_in(qtbot, win, "Olive Owner", "7777")
    found: list[str] = []
    walked = 0
    for spec in SCREENS:
        if not spec.shortcut:
            continue
        screen = win.show_screen(spec.name)
        if screen is None:
            continue
        walked += 1
        if spec.name == "CustomerScreen":
            [(reference,)] = db_rows(win, "SELECT reference FROM customers ORDER BY reference "
                                          "LIMIT 1")
            screen.load(str(reference))  # type: ignore[attr-defined]
            qtbot.waitUntil(lambda s=screen: s.profile is not None)  # type: ignore[misc]
        found += _every_tab(win, screen, spec.title)
    # The claim screen opens on a claim, not by a key of its own.
    [(number,)] = db_rows(win, "SELECT number FROM claims WHERE state = 'inspecting' LIMIT 1")
    win.ctx.navigate.emit("ClaimDetailScreen", str(number))
    claim = win.stack.screen_for("ClaimDetailScreen")
    qtbot.waitUntil(lambda: claim.isVisible() and claim.number == number)  # type: ignore[attr-defined]
    found += _every_tab(win, claim, "Claim")
    assert walked >= 10
    assert found == []
