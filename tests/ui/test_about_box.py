"""The About box by keys: Shift+F1 on the sign-in page, or from the F1 list once signed in; the
same facts as `--version`, shown as plain text whatever the home folder is called."""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import open_window, sign_in
from ui.about_box import AboutBox
from ui.main_window import HelpOverlay, MainWindow
from warranty_desk.storage import schema
from warranty_desk.storage.home import Home

SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


def _open_box(qtbot: Any, win: MainWindow) -> AboutBox:
    box = None

    def shown() -> None:
        nonlocal box
        open_now = [b for b in win.findChildren(AboutBox) if b.isVisible()]
        assert len(open_now) == 1
        box = open_now[0]

    qtbot.waitUntil(shown)
    assert box is not None
    return box


def test_shift_f1_at_sign_in_shows_the_facts_as_plain_text_to_copy(
    qapp: QApplication, qtbot: Any, demo_template: Path, tmp_path: Path
) -> None:
    root = tmp_path / "<b>Läden «1»"  # markup and letters beyond Latin, shown as they are
    shutil.copytree(demo_template, root)
    for win in open_window(Home(root)):
        assert win.pages.currentWidget() is win.sign_in
        win.activateWindow()  # a window's keys act only while it is the active one
        qtbot.waitUntil(win.isActiveWindow)
        qtbot.keyClick(win.focusWidget() or win, Qt.Key.Key_F1, SHIFT)
        box = _open_box(qtbot, win)
        text = box.facts.toPlainText()
        assert text.splitlines() == [
            f"Warranty Desk {importlib.metadata.version('warranty-desk')}",
            f"Schema this build expects: {schema.HEAD}",
            f"Database schema: {schema.HEAD}",
            f"Home folder: {root}",
            f"Database: {root / 'warranty-desk.sqlite3'}",
            f"Logs: {root / 'logs'}",
            f"Backups: {root / 'backups'}"]
        # Drawn as typed: the document holds the characters, not a bold run.
        block = box.facts.document().findBlockByNumber(3)
        assert block.text() == f"Home folder: {root}"
        assert all(f.format.fontWeight() <= 400 for f in block.textFormats())
        qtbot.keyClick(box.facts, Qt.Key.Key_A, CTRL)
        qtbot.keyClick(box.facts, Qt.Key.Key_C, CTRL)
        assert QApplication.clipboard().text() == text
        qtbot.keyClick(box.facts, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda shown=box: not shown.isVisible())


def test_the_f1_list_names_the_about_box_and_opens_it_by_its_key(
    qtbot: Any, window: MainWindow
) -> None:
    win = window
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    sign_in(qtbot, win, "Sam Sales", "1111")
    assert "Shift+F1" in dict(win.help_rows())

    def press_in_the_list() -> None:
        overlay = QApplication.activeModalWidget()
        assert isinstance(overlay, HelpOverlay)
        try:
            overlay.activateWindow()
            qtbot.waitUntil(overlay.isActiveWindow)
            qtbot.keyClick(overlay, Qt.Key.Key_F1, SHIFT)
        finally:
            overlay.reject()  # the test goes on (and fails below) if the key did nothing

    QTimer.singleShot(0, press_in_the_list)
    qtbot.keyClick(win, Qt.Key.Key_F1)  # returns once the list has closed
    box = _open_box(qtbot, win)
    assert f"Home folder: {win.ctx.home.root}" in box.facts.toPlainText().splitlines()
    assert not [o for o in win.findChildren(HelpOverlay) if o.isVisible()]
    win.lock()  # the auto-lock closes it too: the next person finds the sign-in page
    qtbot.waitUntil(lambda: not box.isVisible())
