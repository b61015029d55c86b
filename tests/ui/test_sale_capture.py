"""Finishing a sale by keys: one save or none, every offer answered, the plan charged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.conftest import TODAY, stand_on
from tests.ui.conftest import db_rows as _rows
from tests.ui.conftest import open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.sale import SaleScreen
from warranty_desk.services import sale_input, sale_planning, sale_rows
from warranty_desk.services.customers import CustomerInput
from warranty_desk.storage.home import Home

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch, [CounterScreen, SaleScreen])


def _import(win: MainWindow, invoice: str) -> None:
    with win.ctx.db.write() as session:
        plan = sale_planning.plan_sales(session, [sale_input.SaleInput(
            invoice, TODAY - timedelta(days=3), (sale_input.LineInput("LUM-14-LT", 1, 89_900),),
            CustomerInput("Tom Berger", phone="+49 40 7654321"), source="shopify")],
            today=TODAY, skip_recorded=False, require_serials=False)
        assert not plan.problems
        sale_rows.apply_plan(session, plan)


def _open_capture(qtbot: Any, win: MainWindow, invoice: str) -> SaleScreen:
    sign_in(qtbot, win, "Sam Sales", "1111")
    qtbot.keyClick(win, Qt.Key.Key_F3)
    screen = win.current_screen()
    assert isinstance(screen, SaleScreen)
    qtbot.keyClicks(screen.invoice, invoice)
    qtbot.keyClick(screen.invoice, Qt.Key.Key_Return)
    assert screen.stack.currentWidget() is screen.capture_page
    return screen


def _finish(qtbot: Any, screen: SaleScreen) -> None:
    qtbot.keyClick(screen.focusWidget() or screen, Qt.Key.Key_Return, CTRL)


def _press(qtbot: Any, button: Any) -> None:
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)


def test_a_plan_that_ran_out_saves_nothing_and_keeps_what_was_typed(
    qtbot: Any, win: MainWindow
) -> None:
    _import(win, "#7101")
    screen = _open_capture(qtbot, win, "#7101")
    (line, box), = screen.capture_boxes
    field = box.editable_fields()[0]
    assert field.hasFocus()
    qtbot.keyClicks(field, "LUM14-KEEP01")
    assert box.offer is not None
    box.offer.choose("Care+ 24")
    _press(qtbot, box.offer.accept_button)
    # The customer thought it over for weeks: the plan's window closed meanwhile.
    stand_on(win.ctx.db, TODAY + timedelta(days=70))
    _finish(qtbot, screen)
    assert screen.stack.currentWidget() is screen.capture_page
    assert "Care+ 24 cannot be sold" in screen.message.text()
    assert field.text() == "LUM14-KEEP01"
    assert box.offer.accept_button.isChecked() and box.offer.plan() == "Care+ 24"
    code = line.units[0].warranty_code
    assert _rows(win, "SELECT serial FROM warranties WHERE code = ?", code) == [(None,)]
    assert _rows(win, "SELECT count(*) FROM audit_entries WHERE action = "
                      "'warranty.serial_registered' AND entity_id = ?", code) == [(0,)]
    # The customer declines instead; the same screen finishes without scanning again.
    _press(qtbot, box.offer.decline_button)
    _finish(qtbot, screen)
    assert screen.stack.currentWidget() is screen.done_page
    assert _rows(win, "SELECT serial FROM warranties WHERE code = ?", code) == [
        ("LUM14-KEEP01",)]


def test_the_sale_does_not_finish_until_the_offer_is_answered(
    qtbot: Any, win: MainWindow
) -> None:
    _import(win, "#7102")
    screen = _open_capture(qtbot, win, "#7102")
    (line, box), = screen.capture_boxes
    qtbot.keyClicks(box.editable_fields()[0], "LUM14-ASK001")
    qtbot.keyClick(box.editable_fields()[0], Qt.Key.Key_Return)
    _finish(qtbot, screen)
    assert screen.stack.currentWidget() is screen.capture_page
    assert "then press Accept or Decline" in screen.message.text()
    assert box.offer is not None and box.offer.accept_button.hasFocus()
    code = line.units[0].warranty_code
    assert _rows(win, "SELECT serial FROM warranties WHERE code = ?", code) == [(None,)]
    qtbot.keyClick(box.offer.accept_button, Qt.Key.Key_Space)
    _finish(qtbot, screen)
    assert screen.stack.currentWidget() is screen.done_page
    assert screen.done.charge_note.isVisible()
    assert "Care+ 24: 1 × £99.00 = £99.00" in screen.done.charge_note.text()


def test_a_hand_sale_with_a_plan_tells_staff_what_to_charge_and_one_without_does_not(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Sam Sales", "1111")
    qtbot.keyClick(win, Qt.Key.Key_F3)
    screen = win.current_screen()
    assert isinstance(screen, SaleScreen)
    qtbot.keyClick(screen.invoice, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(screen.receipt, "TILL-5101")
    qtbot.keyClicks(screen.search, "ORB-X-PHN")
    screen.quantity.setValue(2)
    qtbot.keyClick(screen.add_button, Qt.Key.Key_Space)
    box = screen.lines[0].box
    qtbot.keyClicks(box.editable_fields()[0], "ORBX1-CHG001")
    qtbot.keyClick(box.editable_fields()[0], Qt.Key.Key_Return)
    qtbot.keyClicks(box.editable_fields()[1], "ORBX1-CHG002")
    _finish(qtbot, screen)
    assert "Accept or Decline" in screen.message.text()
    assert _rows(win, "SELECT count(*) FROM sales WHERE invoice_number = 'TILL-5101'") == [(0,)]
    assert box.offer is not None
    box.offer.choose("Care+ 24")
    qtbot.keyClick(box.offer.accept_button, Qt.Key.Key_Space)
    _finish(qtbot, screen)
    assert screen.stack.currentWidget() is screen.done_page
    note = screen.done.charge_note.text()
    assert note.startswith("Charge at the till")
    assert "Care+ 24: 2 × £99.00 = £198.00" in note
    qtbot.keyClick(screen.next_button, Qt.Key.Key_Space)
    qtbot.keyClick(screen.invoice, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(screen.receipt, "TILL-5102")
    qtbot.keyClicks(screen.search, "ORB-X-PHN")
    qtbot.keyClick(screen.add_button, Qt.Key.Key_Space)
    box = screen.lines[0].box
    qtbot.keyClicks(box.editable_fields()[0], "ORBX1-CHG003")
    assert box.offer is not None
    qtbot.keyClick(box.offer.decline_button, Qt.Key.Key_Space)
    _finish(qtbot, screen)
    assert screen.stack.currentWidget() is screen.done_page
    assert not screen.done.charge_note.isVisible()
    assert _rows(win, """SELECT count(*) FROM extension_offers o JOIN warranties w
                         ON w.id = o.warranty_id WHERE w.serial = 'ORBX1-CHG003'
                         AND o.accepted = 0""") == [(2,)]
