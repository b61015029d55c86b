"""After a lock, the next person sees nothing of the previous person's work on any screen."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import sign_in
from tests.ui.widget_text import words
from ui.app import screen_classes
from ui.main_window import MainWindow
from ui.screens.base import Screen

TYPED_CUSTOMER = "Walter Previous"
TYPED_INVOICE = "TILL-PREV-77"
TYPED_FAULT = "Previous person's fault words"
TYPED_SEARCH = "Previous search words"
TYPED_FINDINGS = "Previous person's findings on the bench"


def _one(win: MainWindow, sql: str) -> tuple[Any, ...]:
    conn = sqlite3.connect(win.ctx.home.database)
    try:
        row = conn.execute(sql).fetchone()
    finally:
        conn.close()
    assert row is not None, sql
    return tuple(row)


def every_word(win: MainWindow) -> str:
    """All text the window's widgets hold, shown or not."""
    return words(win)


def _work_as_the_owner(qtbot: Any, win: MainWindow) -> dict[str, str]:
    """Look a unit up, open its customer, a closed claim, a sale, a claim form: the kind of
    work the counter sees all day. Returns what must not outlive the sign-out."""
    serial, customer = _one(win, """
        SELECT w.serial, c.name FROM warranties w JOIN customers c ON c.id = w.customer_id
        WHERE w.serial IS NOT NULL AND w.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM claims k WHERE k.customer_id = c.id)
        ORDER BY w.code""")
    claim, claim_customer = _one(win, """
        SELECT k.number, c.name FROM claims k JOIN customers c ON c.id = k.customer_id
        WHERE k.state IN ('resolved', 'rejected') AND NOT EXISTS (
            SELECT 1 FROM claims o WHERE o.customer_id = c.id
            AND o.state NOT IN ('resolved', 'rejected'))
          -- A customer the retention calls list, every signed-in seller sees there anyway.
          AND NOT EXISTS (SELECT 1 FROM retention_follow_ups f WHERE f.customer_id = c.id)
        ORDER BY k.number""")
    received, = _one(win, "SELECT number FROM claims WHERE state = 'received' ORDER BY number")
    sign_in(qtbot, win, "Olive Owner", "7777")
    counter: Any = win.current_screen()
    counter.handle_scan(serial)
    verdict = counter.card.verdict
    customers: Any = win.show_screen("CustomerScreen")
    qtbot.keyClicks(customers.search, customer)
    qtbot.keyClick(customers.search, Qt.Key.Key_Return)
    board: Any = win.show_screen("ClaimsBoardScreen")
    board.tabs.setCurrentIndex(board.tabs.count() - 1)  # All
    board.search.setText(TYPED_SEARCH)
    win.ctx.navigate.emit("ClaimDetailScreen", claim)
    detail: Any = win.current_screen()
    detail.show_findings()
    qtbot.keyClicks(detail.findings.text, TYPED_FINDINGS)
    sale: Any = win.show_screen("SaleScreen")
    sale.new_manual_sale()
    qtbot.keyClicks(sale.receipt, TYPED_INVOICE)
    qtbot.keyClicks(sale.customer_name, TYPED_CUSTOMER)
    win.ctx.navigate.emit("StartClaimScreen", verdict)
    start: Any = win.current_screen()
    start.fault.setEditText(TYPED_FAULT)
    win.ctx.navigate.emit("ExtensionScreen", verdict)
    desk: Any = win.show_screen("ReturnsDeskScreen")
    desk.handle_scan(received)
    win.notify(f"Looked at {customer}.", "success")
    before = every_word(win)
    found = {"serial": serial, "customer": customer, "claim": claim,
             "claim customer": claim_customer, "received claim banner": f"Claim {received}",
             "invoice typed": TYPED_INVOICE, "customer typed": TYPED_CUSTOMER,
             "fault typed": TYPED_FAULT, "search typed": TYPED_SEARCH,
             "findings typed": TYPED_FINDINGS}
    assert [k for k, v in found.items() if v not in before] == []  # the work is on screen
    return found


def _open_everything(win: MainWindow) -> None:
    """Every screen the new person may open, the record screens too (as if from a link)."""
    for spec in win.stack.listed():
        win.show_screen(spec.name)
    for name in ("StartClaimScreen", "ExtensionScreen", "ClaimDetailScreen"):
        win.show_screen(name)
    QApplication.processEvents()


@pytest.mark.parametrize("lock", ["Ctrl+L", "idle"])
def test_the_next_person_sees_nothing_of_the_previous_persons_work(
    qtbot: Any, window: MainWindow, lock: str
) -> None:
    found = _work_as_the_owner(qtbot, window)
    if lock == "idle":
        window.idle.timeout.emit()
    else:
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.ctx.actor is None
    assert [k for k, v in found.items() if v in every_word(window)] == []
    sign_in(qtbot, window, "Sam Sales", "1111")
    _open_everything(window)
    assert [k for k, v in found.items() if v in every_word(window)] == []


def test_a_dialog_left_open_closes_with_the_lock(qtbot: Any, window: MainWindow) -> None:
    from ui.widgets.cost_dialog import CostDialog

    sign_in(qtbot, window, "Olive Owner", "7777")
    dialog = CostDialog(window.current_screen())
    dialog.show()
    qtbot.keyClicks(dialog.description, "for the previous person's customer")
    window.lock()
    assert not dialog.isVisible()


def test_every_screen_says_how_it_forgets_its_records() -> None:
    """A new screen must decide what it clears at sign-out; the base does nothing."""
    assert [cls.__name__ for cls in screen_classes()
            if "clear_for_sign_out" not in vars(cls)] == []
    assert Screen.clear_for_sign_out is not None
