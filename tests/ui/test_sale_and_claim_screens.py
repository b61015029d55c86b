"""Sale activation, claim start and extension sale through real widgets on the demo shop."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QPushButton

from tests.conftest import TODAY, actor
from tests.ui.conftest import open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.extension import ExtensionScreen
from ui.screens.sale import SaleScreen
from ui.screens.start_claim import StartClaimScreen
from ui.widgets.override_dialog import OverrideDialog
from warranty_desk.demo.files import pdf_bytes, png_bytes
from warranty_desk.permissions import Role
from warranty_desk.services import activation, lookup, sale_input, sale_planning, sale_rows
from warranty_desk.services.customers import CustomerInput
from warranty_desk.storage.home import Home
from warranty_desk.views import WarrantyVerdict

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """The demo shop's main window with only the counter and this module's screens."""
    yield from open_window(demo_home, monkeypatch,
                           [CounterScreen, SaleScreen, StartClaimScreen, ExtensionScreen])


def _rows(win: MainWindow, query: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(win.ctx.db.path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def _sale_screen(qtbot: Any, win: MainWindow) -> SaleScreen:
    sign_in(qtbot, win, "Sam Sales", "1111")
    screen = win.show_screen(SaleScreen)
    assert isinstance(screen, SaleScreen)
    return screen


def _hand_line(qtbot: Any, screen: SaleScreen, sku: str, quantity: int) -> None:
    qtbot.mouseClick(screen.manual_button, LEFT)
    qtbot.keyClicks(screen.receipt, "TILL-5001")
    qtbot.keyClicks(screen.customer_name, "Grace Hopper")
    qtbot.keyClicks(screen.customer_phone, "+44 20 7946 0111")
    qtbot.keyClicks(screen.search, sku)
    assert screen.product_list.count() == 1
    screen.quantity.setValue(quantity)
    qtbot.mouseClick(screen.add_button, LEFT)


def _verdict(win: MainWindow, serial: str) -> WarrantyVerdict:
    found = lookup.lookup(win.ctx.db, actor(Role.SALES), serial)
    assert len(found.matches) == 1
    return found.matches[0]


def _claimable_serial(win: MainWindow, covered: bool) -> str:
    """A demo phone or laptop with no claim yet, in cover or expired."""
    compare = ">=" if covered else "<"
    return str(_rows(win, f"""
        SELECT w.serial FROM warranties w JOIN products p ON p.id = w.product_id
        WHERE p.category IN ('phones', 'laptops') AND w.status = 'active'
          AND w.serial IS NOT NULL AND w.start_on <= ? AND w.end_on {compare} ?
          AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.warranty_id = w.id)
        ORDER BY w.code LIMIT 1""", TODAY.isoformat(), TODAY.isoformat())[0][0])


def _start_claim_screen(qtbot: Any, win: MainWindow, serial: str) -> StartClaimScreen:
    sign_in(qtbot, win, "Sam Sales", "1111")
    counter = win.current_screen()
    assert isinstance(counter, CounterScreen)
    counter.handle_scan(serial)
    qtbot.keyClick(counter.field, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    screen = win.current_screen()
    assert isinstance(screen, StartClaimScreen)
    return screen


def _files(tmp_path: Path) -> tuple[Path, Path]:
    photo = tmp_path / "fault.png"
    photo.write_bytes(png_bytes(32, 24, (120, 80, 60), seed=3))
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(pdf_bytes("Receipt", ["Orbit X Phone", "Paid in full"]))
    return photo, receipt


def test_a_hand_entered_sale_of_two_units_takes_two_scans_and_an_extension(
    qtbot: Any, win: MainWindow
) -> None:
    screen = _sale_screen(qtbot, win)
    _hand_line(qtbot, screen, "ORB-X-PHN", 2)
    box = screen.lines[0].box
    assert len(box.editable_fields()) == 2
    assert screen.handle_scan("ORBX1-NEW001") and screen.handle_scan("orbx1-new002")
    assert [f.text() for f in box.editable_fields()] == ["ORBX1-NEW001", "ORBX1-NEW002"]
    assert box.offer is not None
    texts = " ".join(r.text() for r in box.offer.radios)
    assert "Care+ 24: 24 more months for £99.00" in texts
    box.offer.choose("Care+ 24")
    qtbot.mouseClick(box.offer.accept_button, LEFT)
    assert screen.finish_button.hasFocus()  # every question answered: Finish is next
    qtbot.keyClick(screen.finish_button, Qt.Key.Key_Return)
    assert screen.stack.currentWidget() is screen.done_page
    assert len(screen.result_codes) == 2
    rows = _rows(win, """
        SELECT w.serial, l.kind FROM warranties w JOIN warranty_layers l ON l.warranty_id = w.id
        JOIN extension_plans e ON e.id = l.extension_plan_id
        WHERE e.name = 'Care+ 24' AND w.code IN (?, ?) ORDER BY w.serial""", *screen.result_codes)
    assert rows == [("ORBX1-NEW001", "extension"), ("ORBX1-NEW002", "extension")]
    shown = [w.text() for w in screen.findChildren(type(screen.done_title))
             if w.objectName() == "warrantyCode"]
    assert shown == list(screen.result_codes)
    # The demo till has no receipt printer: it says so and offers a certificate per unit.
    assert screen.slip_note.text().startswith("No receipt printer is set up")
    assert len([b for b in screen.findChildren(QPushButton)
                if b.isVisible() and b.text() == "Print certificate…"]) == 2


def test_a_serial_already_covered_is_refused_naming_its_warranty(
    qtbot: Any, win: MainWindow
) -> None:
    serial, code = _rows(win, """
        SELECT w.serial, w.code FROM warranties w JOIN products p ON p.id = w.product_id
        WHERE p.sku = 'ORB-X-PHN' AND w.status = 'active' AND w.serial IS NOT NULL
        LIMIT 1""")[0]
    sales_before = _rows(win, "SELECT count(*) FROM sales")
    screen = _sale_screen(qtbot, win)
    _hand_line(qtbot, screen, "ORB-X-PHN", 1)
    screen.handle_scan(serial)
    offer = screen.lines[0].box.offer
    assert offer is not None
    qtbot.mouseClick(offer.decline_button, LEFT)
    qtbot.mouseClick(screen.finish_button, LEFT)
    assert code in screen.message.text()
    assert code in win.notice.text()
    assert screen.stack.currentWidget() is screen.manual_page
    assert _rows(win, "SELECT count(*) FROM sales") == sales_before


def test_the_same_serial_scanned_twice_on_one_sale_is_not_taken(
    qtbot: Any, win: MainWindow
) -> None:
    screen = _sale_screen(qtbot, win)
    _hand_line(qtbot, screen, "ORB-X-PHN", 2)
    screen.handle_scan("ORBX1-TWICE1")
    screen.handle_scan("ORBX1-TWICE1")
    assert [f.text() for f in screen.lines[0].box.editable_fields()] == ["ORBX1-TWICE1", ""]
    assert "already on this sale" in screen.message.text()


def test_scanning_an_imported_invoice_captures_its_missing_serial(
    qtbot: Any, win: MainWindow
) -> None:
    sold = TODAY - timedelta(days=3)
    with win.ctx.db.write() as session:
        plan = sale_planning.plan_sales(session, [sale_input.SaleInput(
            "#7001", sold, (sale_input.LineInput("LUM-14-LT", 1, 89_900),),
            CustomerInput("Tom Berger", phone="+49 40 7654321"), source="shopify")],
            today=TODAY, skip_recorded=False, require_serials=False)
        assert not plan.problems
        sale_rows.apply_plan(session, plan)
    screen = _sale_screen(qtbot, win)
    assert screen.handle_scan("#7001")
    assert screen.stack.currentWidget() is screen.capture_page
    assert "Tom Berger" in screen.capture_header.text()
    (line, box), = screen.capture_boxes
    assert len(box.editable_fields()) == 1
    screen.handle_scan("LUM14-FRESH1")
    assert box.offer is not None and box.offer.hasFocus()
    qtbot.keyClick(box.offer, Qt.Key.Key_N)  # the customer says no
    qtbot.keyClick(screen.finish_button, Qt.Key.Key_Return)
    assert screen.stack.currentWidget() is screen.done_page
    code = line.units[0].warranty_code
    assert _rows(win, "SELECT serial FROM warranties WHERE code = ?", code) == [("LUM14-FRESH1",)]
    assert _rows(win, """SELECT count(*) FROM extension_offers o JOIN warranties w
                         ON w.id = o.warranty_id WHERE w.code = ? AND o.accepted = 0""",
                 code) == [(2,)]
    assert _verdict(win, "LUM14-FRESH1").warranty_code == code


def test_a_claim_starts_with_evidence_from_the_picker_function_and_a_drop(
    qtbot: Any, win: MainWindow, tmp_path: Path
) -> None:
    screen = _start_claim_screen(qtbot, win, _claimable_serial(win, covered=True))
    assert screen.eligibility.text().startswith("✔  A claim can be opened.")
    assert screen.limit.text().startswith("Claim limit: 0 of 2 claims used")
    assert set(screen.checklist.rows) == {"proof_of_purchase", "photo_of_fault"}
    photo, receipt = _files(tmp_path)
    screen.attach_path("photo_of_fault", photo)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(receipt))])
    screen.checklist.rows["proof_of_purchase"].dropEvent(QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier))
    assert "fault.png" in screen.checklist.rows["photo_of_fault"].status.text()
    assert "receipt.pdf" in screen.checklist.rows["proof_of_purchase"].status.text()
    screen.fault.setCurrentIndex(0)
    qtbot.mouseClick(screen.create_button, LEFT)
    assert screen.stack.currentWidget() is screen.done_page
    number = screen.number.text()
    assert _rows(win, """SELECT e.kind, e.original_name, e.media_type FROM evidence_documents e
                         JOIN claims c ON c.id = e.claim_id WHERE c.number = ?
                         ORDER BY e.kind""", number) == [
        ("photo_of_fault", "fault.png", "image/png"),
        ("proof_of_purchase", "receipt.pdf", "application/pdf")]
    assert "Every document the policy asks for is attached." in screen.done_detail.text()
    with qtbot.waitSignal(win.ctx.navigate) as opened:
        qtbot.mouseClick(screen.open_claim_button, LEFT)
    assert opened.args == ["ClaimDetailScreen", number]


def test_an_expired_unit_needs_a_managers_pin_and_reason_to_open_a_claim(
    qtbot: Any, win: MainWindow
) -> None:
    screen = _start_claim_screen(qtbot, win, _claimable_serial(win, covered=False))
    assert "Needs a manager's approval" in screen.eligibility.text()

    def approve() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, OverrideDialog)
        dialog.approver.setCurrentIndex(dialog.approver.findData("Maria Manager"))
        dialog.pin.setText("5555")
        dialog.reason.setPlainText("Goodwill: fault began a week before expiry")
        dialog.ok.click()

    QTimer.singleShot(0, approve)
    screen.fault.setEditText("Will not charge")
    qtbot.mouseClick(screen.create_button, LEFT)
    assert screen.stack.currentWidget() is screen.done_page
    assert _rows(win, """SELECT s.name FROM claim_events e JOIN claims c ON c.id = e.claim_id
                         JOIN staff s ON s.id = e.override_by_id WHERE c.number = ?""",
                 screen.number.text()) == [("Maria Manager",)]


def test_an_unknown_sale_claim_is_refused_without_proof_and_opens_with_it(
    qtbot: Any, win: MainWindow, tmp_path: Path
) -> None:
    sign_in(qtbot, win, "Sam Sales", "1111")
    screen = win.show_screen(StartClaimScreen)
    assert isinstance(screen, StartClaimScreen)
    qtbot.mouseClick(screen.unknown_button, LEFT)
    assert screen.stack.currentWidget() is screen.unknown_page
    qtbot.keyClicks(screen.u_name, "Nadia Fox")
    qtbot.keyClicks(screen.u_phone, "+44 7700 900123")
    qtbot.keyClicks(screen.u_product, "Orbit X Phone 128 GB")
    qtbot.keyClicks(screen.u_serial, "ORBX1-ELSEWHERE")
    qtbot.keyClicks(screen.u_where, "Gadget Warehouse online")
    screen.u_fault.setEditText("Will not charge")
    claims_before = _rows(win, "SELECT count(*) FROM claims")
    qtbot.mouseClick(screen.create_button, LEFT)
    assert "proof of purchase" in screen.message.text()
    assert _rows(win, "SELECT count(*) FROM claims") == claims_before
    _, receipt = _files(tmp_path)
    screen.attach_path("proof_of_purchase", receipt)
    qtbot.mouseClick(screen.create_button, LEFT)
    assert screen.stack.currentWidget() is screen.done_page
    assert _rows(win, """SELECT c.proof_status, e.kind, e.original_name FROM claims c
                         JOIN evidence_documents e ON e.claim_id = c.id WHERE c.number = ?""",
                 screen.number.text()) == [("unverified", "proof_of_purchase", "receipt.pdf")]


def test_an_extension_is_sold_from_a_verdict_with_its_new_end_date(
    qtbot: Any, win: MainWindow
) -> None:
    activation.record_sale(win.ctx.db, actor(Role.SALES), sale_input.SaleInput(
        "TILL-9001", TODAY, (sale_input.LineInput("LUM-14-LT", 1, 89_900, ("LUM14-EXT001",)),)))
    sign_in(qtbot, win, "Sam Sales", "1111")
    win.ctx.navigate.emit("ExtensionScreen", _verdict(win, "LUM14-EXT001"))
    screen = win.current_screen()
    assert isinstance(screen, ExtensionScreen)
    texts = [r.text() for r in screen.radios]
    assert any(t.startswith("Care 12  ·  £49.00  ·  12 months  ·  cover until 2029-11-21")
               for t in texts)
    screen.choose("Care 12")
    qtbot.mouseClick(screen.sell_button, LEFT)
    assert "2029-11-21" in screen.result.text()
    assert _rows(win, """SELECT l.end_on, e.name FROM warranty_layers l
                         JOIN extension_plans e ON e.id = l.extension_plan_id
                         JOIN warranties w ON w.id = l.warranty_id
                         WHERE w.serial = 'LUM14-EXT001'""") == [("2029-11-21", "Care 12")]
    assert screen.sell_button.isHidden()


def test_a_declined_extension_is_recorded_for_every_plan_shown(
    qtbot: Any, win: MainWindow
) -> None:
    activation.record_sale(win.ctx.db, actor(Role.SALES), sale_input.SaleInput(
        "TILL-9002", TODAY, (sale_input.LineInput("LUM-14-LT", 1, 89_900, ("LUM14-NO0001",)),)))
    sign_in(qtbot, win, "Sam Sales", "1111")
    win.ctx.navigate.emit("ExtensionScreen", _verdict(win, "LUM14-NO0001"))
    screen = win.current_screen()
    assert isinstance(screen, ExtensionScreen)
    qtbot.mouseClick(screen.decline_button, LEFT)
    assert _rows(win, """SELECT count(*) FROM extension_offers o JOIN warranties w
                         ON w.id = o.warranty_id WHERE w.serial = 'LUM14-NO0001'
                         AND o.accepted = 0""") == [(2,)]
    assert "declined" in screen.result.text()


def test_a_unit_with_an_open_claim_says_why_and_offers_no_create_button(
    qtbot: Any, win: MainWindow
) -> None:
    serial, number = _rows(win, """
        SELECT w.serial, c.number FROM claims c JOIN warranties w ON w.id = c.warranty_id
        WHERE c.state = 'received' AND w.serial IS NOT NULL ORDER BY c.number LIMIT 1""")[0]
    sign_in(qtbot, win, "Sam Sales", "1111")
    # The counter offers no Ctrl+N on such a unit; a verdict from another till still gets here.
    win.ctx.navigate.emit("StartClaimScreen", _verdict(win, serial))
    screen = win.current_screen()
    assert isinstance(screen, StartClaimScreen)
    assert screen.eligibility.text().startswith("✖  A claim is not possible:")
    assert number in screen.eligibility.text()
    assert screen.create_button.isHidden()


def test_each_offer_is_answered_by_key_in_turn_and_up_down_pick_the_plan(
    qtbot: Any, win: MainWindow
) -> None:
    screen = _sale_screen(qtbot, win)
    _hand_line(qtbot, screen, "ORB-X-PHN", 1)
    screen.handle_scan("ORBX1-TWO001")
    screen.search.setFocus()
    screen.search.clear()
    qtbot.keyClicks(screen.search, "1*LUM-14-LT")
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    screen.handle_scan("LUM14-TWO002")
    first, second = (ln.box.offer for ln in screen.lines)
    assert first is not None and second is not None
    assert first.hasFocus() and first.accept_button.text() == "Accept  (Y)"
    plans = first.offered()
    qtbot.keyClick(first, Qt.Key.Key_Down)
    assert first.plan() == plans[1]
    qtbot.keyClick(first, Qt.Key.Key_Y)
    assert second.hasFocus()
    qtbot.keyClick(second, Qt.Key.Key_N)
    assert screen.finish_button.hasFocus()
    qtbot.keyClick(screen.finish_button, Qt.Key.Key_Return)
    assert screen.stack.currentWidget() is screen.done_page, screen.message.text()
    assert _rows(win, """
        SELECT e.name FROM warranties w JOIN warranty_layers y ON y.warranty_id = w.id
        JOIN extension_plans e ON e.id = y.extension_plan_id
        WHERE w.serial IN ('ORBX1-TWO001', 'LUM14-TWO002')""") == [(plans[1],)]
