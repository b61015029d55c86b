"""A full disk seen at the counter: the import tab and the start-claim screen say so in plain words,
and show nothing as saved that was not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.reliability.disk import disk_full, integrity, table_digest
from tests.reliability.figures import report
from tests.reliability.test_disk_full import assert_plain_disk_full
from tests.ui.conftest import db_rows, open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.settings import SettingsScreen
from ui.screens.start_claim import StartClaimScreen
from warranty_desk.errors import DiskFull
from warranty_desk.storage.home import Home

CTRL = Qt.KeyboardModifier.ControlModifier
HEADER = "invoice_number,sold_on,sku,quantity,unit_price,serials\n"


def _said_disk_full(text: str, win: MainWindow) -> None:
    assert_plain_disk_full(DiskFull(text), win.ctx.db)


def _sales_file(path: Path, invoices: range) -> Path:
    path.write_text(HEADER + "".join(
        f"INV-UI-DF-{n:04d},2026-11-20,LUM-14-LT,1,899.00,LUM14-UIDF-{n:04d}\n"
        for n in invoices), "utf-8")
    return path


def _press_import(qtbot: Any, tab: Any) -> None:
    """Tab from the file name to the Import button and press it, as a person does."""
    tab.path.setFocus()
    while not tab.import_button.hasFocus():
        qtbot.keyClick(tab.window().focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(tab.import_button, Qt.Key.Key_Space)


@pytest.mark.soak
def test_an_import_that_fills_the_disk_says_so_and_leaves_no_summary_showing(
    qtbot: Any, window: MainWindow, tmp_path: Path,
) -> None:
    sign_in(qtbot, window, "Adam Admin", "8888")
    qtbot.keyClick(window, Qt.Key.Key_F9)
    screen = window.current_screen()
    assert isinstance(screen, SettingsScreen)
    screen.show_tab(screen.imports)
    tab = screen.imports
    first = _sales_file(tmp_path / "first.csv", range(2))
    qtbot.keyClicks(tab.path, str(first))
    _press_import(qtbot, tab)
    assert tab.summary.text().startswith("Imported first.csv")

    big = _sales_file(tmp_path / "big.csv", range(100, 600))
    tab.path.clear()
    qtbot.keyClicks(tab.path, str(big))
    before = table_digest(window.ctx.db.path)
    with disk_full(window.ctx.db):
        _press_import(qtbot, tab)
    # The error stays under the screen; the first file's summary is not left beside it.
    assert window.notice.isVisible() and not tab.summary.isVisible()
    _said_disk_full(window.notice.text(), window)
    window.ctx.db.dispose()
    assert integrity(window.ctx.db.path) == [] and table_digest(window.ctx.db.path) == before

    _press_import(qtbot, tab)
    assert tab.summary.text().startswith("Imported big.csv: added 500 sales")
    report("disk full in Settings > POS import (by keys): said in words, nothing shown saved")


@pytest.fixture
def counter_window(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch, [CounterScreen, StartClaimScreen])


def _claimable(win: MainWindow) -> list[str]:
    return [row[0] for row in db_rows(win, """
        SELECT w.serial FROM warranties w JOIN products p ON p.id = w.product_id
        WHERE p.category IN ('phones', 'laptops') AND w.status = 'active'
          AND w.serial IS NOT NULL AND w.start_on <= '2026-11-22' AND w.end_on >= '2026-11-22'
          AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.warranty_id = w.id)
        ORDER BY w.code""")]


def _claims_on(win: MainWindow, serial: str) -> int:
    return int(db_rows(win, "SELECT count(*) FROM claims WHERE serial = ?", serial)[0][0])


@pytest.mark.soak
def test_a_claim_that_fills_the_disk_says_so_and_goes_through_once_there_is_room(
    qtbot: Any, counter_window: MainWindow,
) -> None:
    win = counter_window
    sign_in(qtbot, win, "Sam Sales", "1111")
    refused = None
    # Claims are taken at the counter until the disk is full: each is a scan, Ctrl+N, the fault
    # and Ctrl+Return, as the person at the till does it.
    with disk_full(win.ctx.db):
        for serial in _claimable(win)[:40]:
            qtbot.keyClick(win, Qt.Key.Key_F2)
            counter = win.current_screen()
            assert isinstance(counter, CounterScreen)
            qtbot.keyClicks(counter.field, serial)
            qtbot.keyClick(counter.field, Qt.Key.Key_Return)
            qtbot.keyClick(counter.field, Qt.Key.Key_N, CTRL)
            screen = win.current_screen()
            assert isinstance(screen, StartClaimScreen)
            qtbot.keyClicks(win.focusWidget(), "Screen stays black")
            before = table_digest(win.ctx.db.path)
            qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Return, CTRL)
            if screen.stack.currentWidget() is not screen.done_page:
                refused = serial
                break
            assert _claims_on(win, serial) == 1
    assert refused is not None, "the disk never filled"
    _said_disk_full(screen.message.text(), win)
    assert screen.message.isVisible()
    assert not win.notice.isVisible() or "created" not in win.notice.text()
    win.ctx.db.dispose()
    assert integrity(win.ctx.db.path) == [] and table_digest(win.ctx.db.path) == before
    assert _claims_on(win, refused) == 0

    qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Return, CTRL)
    assert screen.stack.currentWidget() is screen.done_page, screen.message.text()
    assert _claims_on(win, refused) == 1
    report("disk full at Start claim (by keys): said in words, nothing shown saved")


