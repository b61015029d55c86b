"""Handing a unit back at the returns desk and from the claim screen, by keys and a drawn
signature, on the demo shop; the receipt is read back from what the printer got."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt

from tests.printing.escpos_decoder import Raster, decode
from tests.ui.conftest import db_rows, open_window, sign_in
from tests.ui.print_helpers import set_printers
from ui.main_window import MainWindow
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claims_board import ClaimsBoardScreen
from ui.screens.counter import CounterScreen
from ui.screens.returns_desk import ReturnsDeskScreen
from ui.widgets.hand_back_dialog import HandBackDialog
from warranty_desk.storage.home import Home

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
# Demo claims: a repair at the counter with its charger taken in, and a rejection.
REPAIRED, REPAIRED_SERIAL = "BR01-C-2026-000004", "ORBM2-LHL4XD"
REJECTED, REJECTED_SERIAL = "BR01-C-2026-000001", "LUM14-JVC57S"


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
        ) -> Iterator[MainWindow]:
    set_printers(demo_home, receipt=str(tmp_path / "roll.bin"))
    yield from open_window(demo_home, monkeypatch, [CounterScreen, ReturnsDeskScreen,
                                                    ClaimsBoardScreen, ClaimDetailScreen])


def _roll(tmp_path: Path) -> str:
    return decode((tmp_path / "roll.bin").read_bytes()).flat


def _open_form(qtbot: Any, flow_dialog: Any) -> HandBackDialog:
    form = flow_dialog()
    assert isinstance(form, HandBackDialog)
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.waitUntil(form.serial.hasFocus)
    return form


def _desk(qtbot: Any, win: MainWindow) -> ReturnsDeskScreen:
    sign_in(qtbot, win, "Kim Store", "2222")
    screen = win.show_screen(ReturnsDeskScreen)
    assert isinstance(screen, ReturnsDeskScreen)
    return screen


def _scan_claim_at_desk(qtbot: Any, screen: ReturnsDeskScreen, number: str) -> None:
    qtbot.keyClick(screen, Qt.Key.Key_H, CTRL)
    assert screen.handover_claim.hasFocus()
    qtbot.keyClicks(screen.handover_claim, number)
    qtbot.keyClick(screen.handover_claim, Qt.Key.Key_Return)


def test_kim_hands_a_repaired_unit_back_by_keys_on_a_signed_paper_receipt(
        qtbot: Any, win: MainWindow, tmp_path: Path) -> None:
    screen = _desk(qtbot, win)
    _scan_claim_at_desk(qtbot, screen, REPAIRED)
    form = _open_form(qtbot, lambda: screen.hand_back_flow.dialog)
    assert [box.text() for box in form.accessories] == ["Charger"]
    qtbot.keyClicks(form.serial, REPAIRED_SERIAL.lower())  # a scanner's speed, its case
    qtbot.keyClick(form.serial, Qt.Key.Key_Return)
    [charger] = form.accessories
    assert charger.hasFocus()
    qtbot.keyClick(charger, Qt.Key.Key_Space)
    assert charger.isChecked()
    qtbot.keyClick(charger, Qt.Key.Key_Tab)
    assert form.condition.hasFocus()
    qtbot.keyClicks(form.condition, "Repaired, light scratches as received")
    qtbot.keyClick(form, Qt.Key.Key_P, ALT)
    assert form.on_paper.isChecked() and not form.pad.isEnabled()
    qtbot.keyClick(form, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: screen.banner.word.text() == "✔  HANDED BACK")
    assert f"handed back on claim {REPAIRED} to " in screen.banner.detail.text()
    assert "sign the printed receipt and keep it" in screen.banner.detail.text()
    [(receipt, accessories, staff, confirmation, signature)] = db_rows(
        win, "SELECT number, accessories, staff_name, confirmation, signature_png "
             "FROM hand_backs")
    assert (json.loads(accessories), staff, confirmation, signature) == (
        ["Charger"], "Kim Store", "paper", None)
    qtbot.waitUntil(lambda: db_rows(win, "SELECT state FROM print_jobs WHERE document = "
                                         "'handover'") == [("printed",)])
    printed = _roll(tmp_path)
    for fact in ("HANDOVER RECEIPT", receipt, f"Claim {REPAIRED}", "Handed by Kim Store",
                 "Accessories Charger", "Condition Repaired, light scratches as received"):
        assert fact in printed, fact
    assert "Signature of" in printed
    assert screen.hand_back_flow.dialog is None or not screen.hand_back_flow.dialog.isVisible()


def test_a_signature_drawn_with_the_mouse_goes_into_the_record_and_onto_the_receipt(
        qtbot: Any, win: MainWindow, tmp_path: Path) -> None:
    sign_in(qtbot, win, "Sam Sales", "1111")
    win.ctx.navigate.emit("ClaimDetailScreen", REJECTED)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen)
    assert screen.hand_back_button.isVisibleTo(screen)
    assert screen.hand_back_button.text() == "Hand back…  (Ctrl+H)"
    qtbot.keyClick(screen, Qt.Key.Key_H, CTRL)
    form = _open_form(qtbot, lambda: screen.hand_back_flow.dialog)
    qtbot.keyClicks(form.serial, REJECTED_SERIAL)
    qtbot.keyClick(form.serial, Qt.Key.Key_Return)
    assert form.condition.hasFocus()  # nothing was taken in but the unit
    qtbot.keyClicks(form.condition, "Unrepaired, as received")
    # Unsigned, the form says so and keeps everything.
    qtbot.keyClick(form, Qt.Key.Key_Return, CTRL)
    assert "has not signed yet" in form.message.text()
    assert form.isVisible() and form.serial.text() == REJECTED_SERIAL
    pad = form.pad
    height = pad.height()
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, height // 2))
    for n in range(1, 12):
        qtbot.mouseMove(pad, QPoint(20 + n * 25, height // 2 + (18 if n % 2 else -18)))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(320, height // 2))
    assert pad.is_signed()
    qtbot.keyClick(form, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: screen.hand_back_button.text()
                    == "Print handover receipt  (Ctrl+H)")
    [(confirmation, png, staff)] = db_rows(
        win, "SELECT confirmation, signature_png, staff_name FROM hand_backs")
    assert (confirmation, staff) == ("signature", "Sam Sales")
    assert len(png) < 64 * 1024
    with Image.open(BytesIO(png)) as picture:
        assert picture.size == (600, 200)
        assert sum(picture.convert("L").histogram()[:100]) > 500  # ink along the strokes
    assert "Handed back" in [screen.timeline_model.index(r, 2).data()
                             for r in range(screen.timeline_model.rowCount())]
    qtbot.waitUntil(lambda: (tmp_path / "roll.bin").exists())
    roll = decode((tmp_path / "roll.bin").read_bytes())
    assert "Signed on screen by" in roll.flat and "Returned unrepaired" in roll.flat
    assert [i for i in roll.items if isinstance(i, Raster) and i.dark > 100]


def test_a_wrong_serial_is_refused_in_the_form_and_nothing_is_saved(
        qtbot: Any, win: MainWindow) -> None:
    screen = _desk(qtbot, win)
    _scan_claim_at_desk(qtbot, screen, REPAIRED)
    form = _open_form(qtbot, lambda: screen.hand_back_flow.dialog)
    qtbot.keyClicks(form.serial, "ORBM2-WRONG1")
    qtbot.keyClick(form.serial, Qt.Key.Key_Return)
    qtbot.keyClicks(form.condition, "Repaired")
    qtbot.keyClick(form, Qt.Key.Key_P, ALT)
    qtbot.keyClick(form, Qt.Key.Key_Return, CTRL)
    assert form.message.text() == (
        f"The scanned serial ORBM2-WRONG1 is not the unit of claim {REPAIRED}. Check you "
        "picked up the right unit, then scan its serial again.")
    assert form.isVisible() and form.condition.text() == "Repaired"
    assert db_rows(win, "SELECT count(*) FROM hand_backs") == [(0,)]


def test_a_claim_still_open_says_its_unit_is_not_due_back(qtbot: Any, win: MainWindow) -> None:
    screen = _desk(qtbot, win)
    [(number,)] = db_rows(win, "SELECT number FROM claims WHERE state = 'received' "
                               "ORDER BY number LIMIT 1")
    _scan_claim_at_desk(qtbot, screen, number)
    assert screen.hand_back_flow.dialog is None
    assert screen.banner.word.text() == "✖  NOT HANDED BACK"
    assert f"Claim {number} is still open (received)" in screen.banner.detail.text()


def test_locking_the_counter_drops_an_open_form_unsaved(qtbot: Any, win: MainWindow) -> None:
    screen = _desk(qtbot, win)
    _scan_claim_at_desk(qtbot, screen, REPAIRED)
    form = _open_form(qtbot, lambda: screen.hand_back_flow.dialog)
    qtbot.keyClicks(form.serial, REPAIRED_SERIAL)
    qtbot.keyClick(form, Qt.Key.Key_P, ALT)
    win.idle.timeout.emit()  # left idle, the counter locks: the next person starts afresh
    qtbot.waitUntil(lambda: not form.isVisible())
    assert screen.hand_back_flow.dialog is None
    assert db_rows(win, "SELECT count(*) FROM hand_backs") == [(0,)]
