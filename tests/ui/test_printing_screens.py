"""Printing where staff need it: sale slips, claim tickets, return labels, certificates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from tests.conftest import TODAY
from tests.printing.printer_servers import printer
from tests.ui.conftest import sign_in
from tests.ui.print_helpers import FakePreview, one, set_printers, window
from ui.printing.preview import PreviewChoice
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.counter import CounterScreen
from ui.screens.customer import CustomerScreen
from ui.screens.returns_desk import ReturnsDeskScreen
from ui.screens.sale import SaleScreen
from ui.screens.start_claim import StartClaimScreen
from warranty_desk.services import print_jobs
from warranty_desk.storage.home import Home

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton


def _sell_two_phones(qtbot: Any, screen: SaleScreen) -> None:
    qtbot.mouseClick(screen.manual_button, LEFT)
    qtbot.keyClicks(screen.receipt, "TILL-7001")
    qtbot.keyClicks(screen.search, "ORB-X-PHN")
    screen.quantity.setValue(2)
    qtbot.mouseClick(screen.add_button, LEFT)
    assert screen.handle_scan("ORBX1-PRN001") and screen.handle_scan("ORBX1-PRN002")
    offer = screen.lines[0].box.offer
    assert offer is not None
    qtbot.mouseClick(offer.decline_button, LEFT)
    qtbot.mouseClick(screen.finish_button, LEFT)
    assert screen.stack.currentWidget() is screen.done_page


def test_finishing_a_sale_prints_one_slip_per_new_warranty(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    with printer("prints") as server:
        set_printers(demo_home, receipt=server.target)
        with window(demo_home, monkeypatch, [CounterScreen, SaleScreen]) as win:
            sign_in(qtbot, win, "Sam Sales", "1111")
            screen = win.show_screen(SaleScreen)
            assert isinstance(screen, SaleScreen)
            _sell_two_phones(qtbot, screen)
            codes = screen.result_codes
            received = server.wait_for_jobs(2)
            note = screen.slip_note.text()
    assert len(codes) == 2 and len(received) == 2
    assert all(code.encode() in job for code, job in zip(codes, received, strict=True))
    assert note == f"Printed 2 warranty slips: {codes[0]}, {codes[1]}. Hand them to the customer."


def test_a_sale_without_a_receipt_printer_says_so_and_offers_certificates(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    preview = FakePreview(tmp_path, PreviewChoice(printed_on=""))
    with window(demo_home, monkeypatch, [CounterScreen, SaleScreen]) as win:
        sign_in(qtbot, win, "Sam Sales", "1111")
        screen = win.show_screen(SaleScreen)
        assert isinstance(screen, SaleScreen)
        screen.print_desk.preview = preview
        _sell_two_phones(qtbot, screen)
        assert screen.slip_note.text().startswith("No receipt printer is set up, so no slips "
                                                  "were printed.")
        shown = [w.text() for w in screen.findChildren(type(screen.done_title))
                 if w.objectName() == "warrantyCode"]
        assert shown == list(screen.result_codes)
        buttons = [b for b in screen.findChildren(type(screen.next_button))
                   if b.objectName() == "certificateButton"]
        assert len(buttons) == 2
        qtbot.mouseClick(buttons[1], LEFT)
        assert [s.subject for s in preview.sheets] == [screen.result_codes[1]]
        assert win.notice.text() == (f"Printed the warranty certificate for "
                                     f"{screen.result_codes[1]} on the default printer.")


def _start_claim(qtbot: Any, win: Any) -> StartClaimScreen:
    sign_in(qtbot, win, "Sam Sales", "1111")
    serial = one(win, """
        SELECT w.serial FROM warranties w JOIN products p ON p.id = w.product_id
        WHERE p.category IN ('phones', 'laptops') AND w.status = 'active'
          AND w.serial IS NOT NULL AND w.start_on <= ? AND w.end_on >= ?
          AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.warranty_id = w.id)
        ORDER BY w.code LIMIT 1""", TODAY.isoformat(), TODAY.isoformat())
    counter = win.current_screen()
    assert isinstance(counter, CounterScreen)
    counter.handle_scan(serial)
    qtbot.keyClick(counter.field, Qt.Key.Key_N, CTRL)
    screen = win.current_screen()
    assert isinstance(screen, StartClaimScreen)
    screen.fault.setCurrentIndex(0)
    qtbot.mouseClick(screen.create_button, LEFT)
    assert screen.stack.currentWidget() is screen.done_page
    return screen


def test_a_new_claim_prints_its_drop_off_ticket_and_ctrl_p_prints_a_copy(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ticket = tmp_path / "ticket.bin"
    set_printers(demo_home, receipt=str(ticket))
    with window(demo_home, monkeypatch, [CounterScreen, StartClaimScreen]) as win:
        screen = _start_claim(qtbot, win)
        number = screen.number.text()
        assert number and number.encode() in ticket.read_bytes()
        assert "ticket is printing" in screen.ticket_note.text()
        qtbot.keyClick(screen.open_claim_button, Qt.Key.Key_P, CTRL)
        assert b"COPY" in ticket.read_bytes()
        jobs = print_jobs.history(win.ctx.db, subject=number)
    assert [(j.document, j.copy) for j in jobs] == [("ticket", True), ("ticket", False)]


def test_without_a_receipt_printer_the_ticket_prints_as_a_page_on_ctrl_p(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    preview = FakePreview(tmp_path, PreviewChoice(printed_on="Office laser"))
    with window(demo_home, monkeypatch, [CounterScreen, StartClaimScreen]) as win:
        screen = _start_claim(qtbot, win)
        screen.print_desk.preview = preview
        number = screen.number.text()
        assert "No receipt printer is set up" in screen.ticket_note.text()
        assert print_jobs.history(win.ctx.db, subject=number) == ()
        qtbot.keyClick(screen.open_claim_button, Qt.Key.Key_P, CTRL)
        assert [(s.document, s.subject) for s in preview.sheets] == [("ticket", number)]
        assert [j.target for j in print_jobs.history(win.ctx.db, subject=number)] == [
            "system:Office laser"]


def test_the_returns_desk_prints_a_return_label_through_the_label_printer(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    set_printers(demo_home, label_printer="Zebra", label_size="62x29mm")
    preview = FakePreview(tmp_path, PreviewChoice(printed_on="Zebra"))
    with window(demo_home, monkeypatch, [CounterScreen, ReturnsDeskScreen]) as win:
        sign_in(qtbot, win, "Kim Store", "2222")
        screen = win.show_screen(ReturnsDeskScreen)
        assert isinstance(screen, ReturnsDeskScreen)
        screen.print_desk.preview = preview
        assert not screen.label_button.isEnabled()
        number = one(win, "SELECT number FROM claims WHERE state='received' ORDER BY number")
        qtbot.keyClicks(screen.field, number)
        qtbot.keyClick(screen.field, Qt.Key.Key_Return)
        assert screen.label_button.isEnabled() and number in screen.label_button.text()
        qtbot.keyClick(screen.field, Qt.Key.Key_L, CTRL_SHIFT)
        jobs = print_jobs.history(win.ctx.db, subject=number)
        assert win.notice.text() == f"Printed the return label for {number} on Zebra."
    assert [(j.document, j.target, j.state, j.requested_by) for j in jobs] == [
        ("label", "system:Zebra", "printed", "Kim Store")]
    sheet = preview.sheets[0]
    assert (sheet.paper, sheet.printer) == ("62x29mm", "Zebra")
    # The page Qt printed is the label's own size: 62 x 29 mm.
    page = PdfReader(preview.files[0]).pages[0].mediabox
    assert (round(float(page.width) / 72 * 25.4), round(float(page.height) / 72 * 25.4)) == (
        62, 29)


def test_the_claim_screen_prints_the_ticket_again_and_the_return_label(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ticket = tmp_path / "ticket.bin"
    set_printers(demo_home, receipt=str(ticket))
    preview = FakePreview(tmp_path, PreviewChoice(printed_on=""))
    with window(demo_home, monkeypatch, [CounterScreen, ClaimDetailScreen]) as win:
        sign_in(qtbot, win, "Kim Store", "2222")
        number = one(win, "SELECT number FROM claims ORDER BY number LIMIT 1")
        win.ctx.navigate.emit("ClaimDetailScreen", number)
        screen = win.current_screen()
        assert isinstance(screen, ClaimDetailScreen)
        screen.print_desk.preview = preview
        qtbot.mouseClick(screen.ticket_button, LEFT)
        assert number.encode() in ticket.read_bytes()
        qtbot.mouseClick(screen.label_button, LEFT)
        assert [s.document for s in preview.sheets] == ["label"]
        jobs = print_jobs.history(win.ctx.db, subject=number)
    assert sorted(j.document for j in jobs) == ["label", "ticket"]


def test_the_customer_screen_prints_the_certificate_of_the_purchase_selected(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    preview = FakePreview(tmp_path, PreviewChoice(save=True))
    saved = tmp_path / "for-the-customer.pdf"
    with window(demo_home, monkeypatch, [CounterScreen, CustomerScreen]) as win:
        sign_in(qtbot, win, "Sam Sales", "1111")
        reference = one(win, """SELECT c.reference FROM customers c JOIN sales s
                                ON s.customer_id = c.id ORDER BY c.reference LIMIT 1""")
        win.ctx.navigate.emit("CustomerScreen", reference)
        screen = win.current_screen()
        assert isinstance(screen, CustomerScreen) and screen.profile is not None
        screen.print_desk.preview = preview
        screen.print_desk.ask_save_path = lambda _parent, name: str(saved)
        code = screen.profile.purchases[0].warranty_code
        qtbot.keyClick(screen.search, Qt.Key.Key_P, CTRL_SHIFT)
        assert saved.read_bytes().startswith(b"%PDF")
        assert win.notice.text() == f"Saved the warranty certificate for {code} to {saved}."
        jobs = print_jobs.history(win.ctx.db, subject=code)
    assert [(j.document, j.target) for j in jobs] == [("certificate", str(saved))]


def test_the_close_report_prints_on_the_receipt_printer_or_as_a_page(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ui.screens.print_queue import PrintQueueScreen

    report = tmp_path / "report.bin"
    preview = FakePreview(tmp_path, PreviewChoice(printed_on="Office laser"))
    with window(demo_home, monkeypatch, [CounterScreen, PrintQueueScreen]) as win:
        sign_in(qtbot, win, "Maria Manager", "5555")
        qtbot.keyClick(win, Qt.Key.Key_F7)
        screen = win.current_screen()
        assert isinstance(screen, PrintQueueScreen)
        screen.desk.preview = preview
        assert screen.day() == TODAY
        # No receipt printer yet: the receipt button falls back to a page, and says why.
        qtbot.mouseClick(screen.report_receipt_button, LEFT)
        assert win.notice.text() == (
            "No receipt printer is set up, so the report opens as a page for the document "
            f"printer. Printed the close report for {TODAY.isoformat()} on Office laser.")
        set_printers(demo_home, receipt=str(report))
        qtbot.mouseClick(screen.report_receipt_button, LEFT)
        assert b"\x1b@" in report.read_bytes()
        qtbot.mouseClick(screen.report_pdf_button, LEFT)
        assert [s.document for s in preview.sheets] == ["close_report", "close_report"]
        history = screen.history_model
        assert history.rowCount() == 3
        printers = [history.data(history.index(r, history.columns.index("Printer")))
                    for r in range(3)]
    assert printers == ["Office laser", "File report.bin", "Office laser"]
