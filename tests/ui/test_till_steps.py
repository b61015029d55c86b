"""Steps at the till, counted: a hand-entered sale and a claim, by keyboard and scanner only.

Each key press or click is a step; the text typed into one field is one step; a scan is one
step (the scanner sends its own Enter). Measured before these screens changed (issue 11): the
sale took 19 steps (F3, Ctrl+Shift+N, the invoice number, five Tabs to the product search, the
search, two Tabs, the quantity, two Tabs and Space on Add line, two scans, a click on Accept,
Ctrl+Return), and its offer could only be answered with the mouse; the claim from a verdict
took 2 steps and the fault text (Ctrl+N, the fault, Ctrl+Return).
Now: the sale takes 10 (F3, the invoice number, Enter, the search, Enter, Enter for one unit,
two scans, the second adding the unit, Y, Enter on Finish), 9 with "2*" before the search; the
claim still 2 and the fault text.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtCore import Qt

from tests.ui.test_sale_and_claim_screens import _claimable_serial
from tests.ui.till import Till
from ui.screens.counter import CounterScreen
from ui.screens.sale import SaleScreen
from ui.screens.start_claim import StartClaimScreen

CTRL = Qt.KeyboardModifier.ControlModifier
SALE_BUDGET = 10
CLAIM_BUDGET = 6  # plus the fault text


def _rows(till: Till, query: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(till.win.ctx.db.path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def _sold_with_plan(till: Till, invoice: str) -> list[tuple[Any, ...]]:
    return _rows(till, """
        SELECT w.serial, e.name FROM warranties w JOIN invoice_lines l ON l.id = w.invoice_line_id
        JOIN sales s ON s.id = l.sale_id JOIN warranty_layers y ON y.warranty_id = w.id
        JOIN extension_plans e ON e.id = y.extension_plan_id
        WHERE s.invoice_number = ? ORDER BY w.serial""", invoice)


def test_a_hand_entered_sale_of_two_serial_units_with_the_offer_answered_within_ten_steps(
        till: Till) -> None:
    # As at a till: the product once, then a scan per unit; the second scan adds the unit.
    till.press(Qt.Key.Key_F3)
    screen = till.win.current_screen()
    assert isinstance(screen, SaleScreen) and screen.invoice.hasFocus()
    till.type("TILL-5001")
    till.press(Qt.Key.Key_Return)  # never imported: hand entry, on to the product search
    assert screen.stack.currentWidget() is screen.manual_page
    assert screen.receipt.text() == "TILL-5001" and screen.search.hasFocus()
    till.type("ORB-X-PHN")
    till.press(Qt.Key.Key_Return)  # the product listed, on to the quantity
    till.press(Qt.Key.Key_Return)  # one to start with: the line, on to its serial
    till.scan("ORBX1-NEW001")
    till.scan("ORBX1-NEW002")  # every field full: the line grows to two units
    assert [ln.quantity for ln in screen.lines] == [2]
    offer = screen.lines[0].box.offer
    assert offer is not None and offer.hasFocus()
    plan = offer.plan()  # the first plan offered, unless Up/Down picked another
    till.press(Qt.Key.Key_Y)
    assert screen.finish_button.hasFocus()
    till.press(Qt.Key.Key_Return)

    assert screen.stack.currentWidget() is screen.done_page, screen.message.text()
    assert till.count <= SALE_BUDGET, till.steps
    assert _sold_with_plan(till, "TILL-5001") == [("ORBX1-NEW001", plan),
                                                  ("ORBX1-NEW002", plan)]


def test_the_quantity_typed_before_the_search_saves_a_step(till: Till) -> None:
    till.press(Qt.Key.Key_F3)
    screen = till.win.current_screen()
    assert isinstance(screen, SaleScreen)
    till.type("TILL-5004")
    till.press(Qt.Key.Key_Return)
    till.type("2*ORB-X-PHN")
    till.press(Qt.Key.Key_Return)  # two of the product listed: the line, on to its serials
    till.scan("ORBX1-NEW006")
    till.scan("ORBX1-NEW007")
    till.press(Qt.Key.Key_Y)
    till.press(Qt.Key.Key_Return)
    assert screen.stack.currentWidget() is screen.done_page, screen.message.text()
    assert till.count <= SALE_BUDGET - 1, till.steps
    assert [serial for serial, _plan in _sold_with_plan(till, "TILL-5004")] == [
        "ORBX1-NEW006", "ORBX1-NEW007"]


def test_a_serial_scanned_after_the_offer_is_answered_adds_no_unit(till: Till) -> None:
    screen = _to_the_quantity(till, "TILL-5005")
    till.press(Qt.Key.Key_Return)
    till.scan("ORBX1-NEW008")
    till.press(Qt.Key.Key_Y)  # the customer took the plan for the one unit they were asked about
    till.scan("ORBX1-NEW009")
    assert [ln.quantity for ln in screen.lines] == [1]
    assert "Every serial is in" in screen.message.text()
    till.scan("ORBX1-NEW008")  # the same serial again is never a second unit
    assert [ln.quantity for ln in screen.lines] == [1]


def test_the_same_serial_scanned_twice_does_not_grow_the_line(till: Till) -> None:
    screen = _to_the_quantity(till, "TILL-5006")
    till.press(Qt.Key.Key_Return)
    till.scan("ORBX1-NEW010")
    till.scan("ORBX1-NEW010")
    assert [ln.quantity for ln in screen.lines] == [1]
    assert screen.message.text() == (
        "Serial ORBX1-NEW010 is already on this sale. Scan the next unit.")


def _to_the_quantity(till: Till, invoice: str) -> SaleScreen:
    """F3, an invoice never imported, the product searched: the cursor in the quantity."""
    till.press(Qt.Key.Key_F3)
    screen = till.win.current_screen()
    assert isinstance(screen, SaleScreen)
    till.type(invoice)
    till.press(Qt.Key.Key_Return)
    till.type("ORB-X-PHN")
    till.press(Qt.Key.Key_Return)  # takes the product listed, on to the quantity
    assert screen.quantity.hasFocus()
    return screen


def test_without_the_quantity_prefix_enter_moves_on_through_the_quantity(till: Till) -> None:
    screen = _to_the_quantity(till, "TILL-5003")
    till.type("2")
    till.press(Qt.Key.Key_Return)  # adds the line, on to its first serial
    assert [len(ln.box.editable_fields()) for ln in screen.lines] == [2]
    till.scan("ORBX1-NEW004")
    till.scan("ORBX1-NEW005")
    till.press(Qt.Key.Key_Y)
    till.press(Qt.Key.Key_Return)
    assert screen.stack.currentWidget() is screen.done_page, screen.message.text()
    assert till.count == SALE_BUDGET + 1, till.steps


def test_a_declined_offer_is_answered_by_key_too(till: Till) -> None:
    screen = _to_the_quantity(till, "TILL-5002")
    till.press(Qt.Key.Key_Return)  # one unit
    till.scan("ORBX1-NEW003")
    till.press(Qt.Key.Key_N)
    till.press(Qt.Key.Key_Return)
    assert screen.stack.currentWidget() is screen.done_page, screen.message.text()
    assert _rows(till, """
        SELECT count(*) FROM extension_offers o JOIN warranties w ON w.id = o.warranty_id
        WHERE w.serial = 'ORBX1-NEW003' AND o.accepted = 0""") == [(2,)]


def test_a_claim_from_a_verdict_takes_at_most_six_steps_and_the_fault(till: Till) -> None:
    till.scan(_claimable_serial(till.win, True))
    counter = till.win.current_screen()
    assert isinstance(counter, CounterScreen) and counter.card.verdict is not None
    till.steps.clear()  # counted from the verdict on screen
    till.press(Qt.Key.Key_N, CTRL)
    screen = till.win.current_screen()
    assert isinstance(screen, StartClaimScreen) and screen.known.fault.hasFocus()
    till.type("Screen stays black")
    fault_steps = 1
    till.press(Qt.Key.Key_Return, CTRL)
    assert screen.stack.currentWidget() is screen.done_page, screen.message.text()
    assert till.count - fault_steps <= CLAIM_BUDGET, till.steps
