"""The brand claims screen on the demo shop, driven by keys and scans as people use it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from tests.conftest import TODAY, sqlite_file
from tests.printing.pdf_tools import pdftotext
from tests.ui.conftest import db_rows, open_window, sign_in
from tests.ui.print_helpers import FakePreview
from ui.main_window import MainWindow
from ui.printing.preview import PreviewChoice
from ui.screens import brand_claims as brand_screen
from ui.screens.brand_claims import BrandClaimsScreen
from ui.screens.settings import SettingsScreen
from warranty_desk.permissions import Role
from warranty_desk.services import claims, returns, staff
from warranty_desk.services.activation import record_sale
from warranty_desk.services.brand_claims import open_brand_claim
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.decisions import CostLine, post_cost
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

SERIALS = ("VIS55-UI-1", "VIS55-UI-2", "VIS55-UI-3")
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """The main window with the brand claims screen, three faulty TVs in returns stock."""
    for window in open_window(demo_home, monkeypatch, [BrandClaimsScreen, SettingsScreen]):
        _faulty_tvs(window.ctx.db)
        yield window


def _faulty_tvs(db: Database) -> list[str]:
    """Three Vista TVs sold, claimed on with a recoverable part, and in returns stock."""
    sales, tech = staff.sign_in(db, "Sam Sales", "1111"), staff.sign_in(db, "Tariq Tech", "3333")
    store = staff.sign_in(db, "Kim Store", "2222")
    sold = record_sale(db, sales, SaleInput("INV-UI-1", TODAY - timedelta(days=30), (
        LineInput("VIS-55-TV", 3, 49_900, SERIALS),), CustomerInput("Ravi Kelly")))
    numbers = []
    for code in sold.warranty_codes:
        number = claims.start_claim(db, sales, claims.StartClaim(code, "No picture")).number
        post_cost(db, tech, number, CostLine("parts", 5_000, "Panel", True))
        returns.receive(db, store, number)
        numbers.append(number)
    return numbers


def _screen(qtbot: Any, win: MainWindow, name: str, pin: str) -> BrandClaimsScreen:
    sign_in(qtbot, win, name, pin)
    screen = win.show_screen(BrandClaimsScreen)
    assert isinstance(screen, BrandClaimsScreen)
    return screen


def _column(view: QTableView, col: int) -> list[str]:
    model = view.model()
    return [str(model.index(r, col).data()) for r in range(model.rowCount())]


def _scan(qtbot: Any, screen: BrandClaimsScreen, text: str) -> None:
    screen.field.clear()
    qtbot.keyClicks(screen.field, text)
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)


def test_kim_packs_three_units_types_a_status_sends_one_and_saves_the_packet(
    qtbot: Any, win: MainWindow, tmp_path: Path,
) -> None:
    screen = _screen(qtbot, win, "Kim Store", "2222")
    qtbot.keyClicks(screen.field, SERIALS[0])
    qtbot.keyClick(screen.field, Qt.Key.Key_N, CTRL)
    assert screen.banner.word.text() == "✔  OPENED"
    assert screen.current is not None and "Vista UK Distribution" in screen.banner.detail.text()
    number = screen.current.number
    _scan(qtbot, screen, SERIALS[1])  # typed, at a person's speed
    assert screen.banner.word.text() == "✔  ADDED"
    screen.handle_scan(SERIALS[2])  # a scanner's read
    assert _column(screen.lines, 1) == list(SERIALS)
    assert number in _column(screen.list, 0)

    screen.status.setFocus()
    qtbot.keyClicks(screen.status, "in")  # the combo finds "in repair" by its first letters
    qtbot.keyClicks(screen.status_note, "Booked in by phone")
    qtbot.keyClick(screen.status_note, Qt.Key.Key_T, CTRL)
    assert screen.banner.word.text() == "✔  STATUS", screen.banner.detail.text()
    assert _column(screen.updates, 1) == ["submitted → in repair"]
    assert _column(screen.updates, 2) == ["Kim Store"]
    assert _column(screen.updates, 3) == ["typed at the desk"]

    _scan(qtbot, screen, number)  # the packet's barcode opens the brand claim again
    qtbot.keyClicks(screen.field, SERIALS[0])
    qtbot.keyClick(screen.field, Qt.Key.Key_S, CTRL | SHIFT)
    assert screen.banner.word.text() == "✔  SENT"
    assert _column(screen.lines, 3)[0] == f"at the supplier ({number})"

    # The packet goes through the print queue: previewed, printed, recorded like any document.
    preview = FakePreview(tmp_path, PreviewChoice(printed_on="Office laser"))
    screen.print_desk.preview = preview
    qtbot.keyClick(screen.field, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: bool(preview.sheets))
    [sheet] = preview.sheets
    assert sheet.pdf.startswith(b"%PDF") and SERIALS[2] in pdftotext(sheet.pdf)
    assert win.notice.text() == f"Printed the brand packet for {number} on Office laser."
    assert db_rows(win, "SELECT document, subject, state, target, requested_by FROM "
                        "print_jobs") == [("brand_packet", number, "printed",
                                           "system:Office laser", "Kim Store")]
    screen.ask_packet_path = lambda name: str(tmp_path / name)
    qtbot.keyClick(screen.field, Qt.Key.Key_E, CTRL)
    assert screen.banner.word.text() == "✔  SAVED"
    assert SERIALS[2] in (tmp_path / f"{number}.csv").read_text(encoding="utf-8")

    # Recording money is finance's: the storekeeper is told whom to ask, where the fields
    # would be and when she presses the key anyway.
    assert not screen.amount.isVisibleTo(screen)
    assert screen.settle_refusal.text().startswith("Storekeepers do not record settlements")
    qtbot.keyClick(screen.field, Qt.Key.Key_M, CTRL)
    assert screen.banner.word.text() == "✖  NOT YOURS TO RECORD"
    assert "finance or a manager" in screen.banner.detail.text()


def _kim_opens_one_for_the_three(qtbot: Any, win: MainWindow) -> str:
    """Kim scans the three TVs' serials into one new brand claim; its number."""
    kim = _screen(qtbot, win, "Kim Store", "2222")
    kim.field.setText(" ".join(SERIALS))
    qtbot.keyClick(kim.field, Qt.Key.Key_N, CTRL)
    assert kim.current is not None
    return kim.current.number


def test_fin_records_a_part_then_a_final_settlement_with_its_reason(
    qtbot: Any, win: MainWindow,
) -> None:
    number = _kim_opens_one_for_the_three(qtbot, win)
    fin = _screen(qtbot, win, "Fin Finance", "6666")
    assert fin.current is None and fin.amount.text() == ""  # the lock forgot Kim's work
    _scan(qtbot, fin, number)
    assert fin.banner.word.text() == "i  OPEN"
    qtbot.keyClicks(fin.amount, "100")
    qtbot.keyClicks(fin.reference, "BACS-1")
    qtbot.keyClick(fin.reference, Qt.Key.Key_M, CTRL)
    assert fin.banner.word.text() == "✔  SETTLED", fin.banner.detail.text()
    assert "outstanding £50.00" in fin.banner.detail.text()
    qtbot.keyClicks(fin.amount, "45,50")
    qtbot.keyClicks(fin.reference, "CN-2")
    fin.final.setFocus()
    qtbot.keyClick(fin.final, Qt.Key.Key_Space)
    qtbot.keyClick(fin.reference, Qt.Key.Key_M, CTRL)
    assert fin.banner.word.text() == "✖  NOT RECORDED"
    assert "£4.50 less than the £150.00 expected: say why" in fin.banner.detail.text()
    qtbot.keyClicks(fin.reason, "Vista kept the carriage")
    qtbot.keyClick(fin.reason, Qt.Key.Key_Return)
    assert fin.banner.word.text() == "✔  SETTLED", fin.banner.detail.text()
    assert "Closed." in fin.summary.text()
    with sqlite_file(win.ctx.db.path) as conn:
        assert conn.execute("SELECT group_concat(amount_minor) FROM settlements s JOIN "
                            "brand_claims b ON b.id = s.brand_claim_id WHERE b.number = ?",
                            (number,)).fetchone() == ("10000,4550",)


def test_fin_sees_the_settlement_a_supplier_proposed_at_head_office_beside_the_statuses(
    qtbot: Any, win: MainWindow, tmp_path: Path,
) -> None:
    from warranty_desk.services import inbox
    from warranty_desk.storage.documents import DocumentStore

    number = _kim_opens_one_for_the_three(qtbot, win)
    applied = inbox.apply_item(win.ctx.db, inbox.InboxItemInput("supplier-1", "brand_status", {
        "claim_number": number, "entered_by": "head office portal, supplier contact "
                                              "care@vista.example",
        "proposal": {"amount_minor": 12_000, "reference": "VST-<1>", "note": "Panels only"}}),
        documents=DocumentStore(tmp_path / "documents"), fetch_document=None)
    assert applied.status == "applied", applied.result
    fin = _screen(qtbot, win, "Fin Finance", "6666")
    _scan(qtbot, fin, number)
    assert _column(fin.updates, 1)[-1] == "submitted (unchanged)"
    note = _column(fin.updates, 4)[-1]
    assert "The brand proposes to settle £120.00 (their reference VST-<1>): Panels only" in note
    assert "care@vista.example" in _column(fin.updates, 3)[-1]
    with sqlite_file(win.ctx.db.path) as conn:
        assert conn.execute("SELECT count(*) FROM settlements").fetchone() == (0,)


def test_a_supplier_contact_added_in_settings_sees_and_moves_only_their_suppliers_claims(
    qtbot: Any, win: MainWindow,
) -> None:
    kim = _screen(qtbot, win, "Kim Store", "2222")
    kim.field.setText(SERIALS[0])
    qtbot.keyClick(kim.field, Qt.Key.Key_N, CTRL)
    assert kim.current is not None
    vista = kim.current.number
    listed = _column(kim.list, 0)
    assert len(listed) == 2 and vista in listed  # and the demo's claim at the manufacturer
    sign_in(qtbot, win, "Adam Admin", "8888")
    qtbot.keyClick(win, Qt.Key.Key_F9)
    settings = win.current_screen()
    assert isinstance(settings, SettingsScreen)
    settings.show_tab(settings.staff)
    tab = settings.staff
    qtbot.keyClicks(tab.name, "Vic Vista")
    tab.role.setCurrentIndex(tab.role.findData(Role.SUPPLIER))
    qtbot.keyClicks(tab.pin, "9090")
    qtbot.keyClicks(tab.pin_again, "9090")
    tab.add_button.click()
    assert "A supplier contact works for one supplier" in win.notice.text()
    qtbot.keyClicks(tab.supplier, "Vista UK Distribution")
    tab.add_button.click()
    assert "Vic Vista can now sign in as Supplier contact" in win.notice.text()

    sign_in(qtbot, win, "Vic Vista", "9090")
    # A supplier contact lands on their brand claims, not on a Counter that refuses lookups.
    vic = win.current_screen()
    assert isinstance(vic, BrandClaimsScreen)
    qtbot.waitUntil(lambda: _column(vic.list, 0) == [vista])
    assert vic.field.hasFocus()
    _scan(qtbot, vic, vista)
    vic.status.setFocus()
    qtbot.keyClicks(vic.status, "ack")
    qtbot.keyClick(vic.status, Qt.Key.Key_T, CTRL)
    assert vic.banner.word.text() == "✔  STATUS", vic.banner.detail.text()
    assert _column(vic.updates, 2) == ["Vic Vista"]
    other = next(n for n in listed if n != vista)
    _scan(qtbot, vic, other)
    assert vic.banner.word.text() == "✖  NOT FOUND"
    # Another supplier's brand claim answers as missing: the contact learns nothing of it.
    assert f"No brand claim {other}" in vic.banner.detail.text()
    vic.field.setText(SERIALS[1])
    qtbot.keyClick(vic.field, Qt.Key.Key_N, CTRL)
    assert "may not manage brand claims" in vic.banner.detail.text()


def test_every_header_of_a_brand_claims_tables_reads_whole_at_1366(
    qtbot: Any, win: MainWindow,
) -> None:
    win.resize(1350, 688)  # a 1366×768 screen less its taskbar
    screen = _screen(qtbot, win, "Kim Store", "2222")
    qtbot.keyClicks(screen.field, SERIALS[0])
    qtbot.keyClick(screen.field, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: screen.lines.model().rowCount() == 1)
    for view in (screen.list, screen.lines, screen.updates):
        header = view.horizontalHeader()
        metrics = header.fontMetrics()
        for col in range(header.count()):
            words = str(view.model().headerData(col, Qt.Orientation.Horizontal))
            # The header's text and a margin each side: "Where the unit is" (now "Unit is") read
            # "ere the uni" in a section of the default width.
            assert header.sectionSize(col) >= metrics.horizontalAdvance(words) + 8, (
                view.objectName(), words, header.sectionSize(col))


def test_the_demo_supplier_contact_lands_on_her_suppliers_brand_claims(
    qtbot: Any, window: MainWindow,
) -> None:
    db = window.ctx.db
    vista = open_brand_claim(db, staff.sign_in(db, "Kim Store", "2222"), _faulty_tvs(db))
    assert window.sign_in.names.keys[[who for _, who in window.sign_in.people].index(
        "Lena Lumen")] == "L"
    # Every screen, the Counter first in the list: she may look nothing up there.
    sign_in(qtbot, window, "Lena Lumen", "9999")
    screen = window.current_screen()
    assert isinstance(screen, BrandClaimsScreen)
    qtbot.waitUntil(lambda: screen.list_model.rowCount() > 0)
    assert set(_column(screen.list, 1)) == {"Lumen UK Distribution"}
    assert vista.number not in _column(screen.list, 0)
    assert screen.field.hasFocus()


def test_the_supplier_contact_sees_why_she_may_not_record_a_settlement(
    qtbot: Any, window: MainWindow,
) -> None:
    # Lena may read and move her supplier's brand claims, not record what it paid: the
    # settlement row says so instead of offering fields that would only be refused.
    sign_in(qtbot, window, "Lena Lumen", "9999")
    screen = window.current_screen()
    assert isinstance(screen, BrandClaimsScreen)
    qtbot.waitUntil(lambda: screen.list_model.rowCount() > 0)
    screen.list.setFocus()
    screen.list.selectRow(0)
    qtbot.keyClick(screen.list, Qt.Key.Key_O, CTRL)
    qtbot.waitUntil(lambda: screen.current is not None)
    for widget in (screen.amount, screen.reference, screen.credit_note, screen.final,
                   screen.reason, screen.settle_button):
        assert not widget.isVisibleTo(screen), widget
    assert screen.settle_refusal.isVisibleTo(screen)
    assert "Supplier contact" in screen.settle_refusal.text()
    assert "finance" in screen.settle_refusal.text().lower()
    assert "Ctrl+M" not in [key for key, _ in screen.help_rows()]
    qtbot.keyClick(screen.list, Qt.Key.Key_M, CTRL)
    assert screen.banner.word.text() == "✖  NOT YOURS TO RECORD", screen.banner.detail.text()
    assert "finance" in screen.banner.detail.text().lower()
    # Signed in as finance, the same row is there to fill in.
    sign_in(qtbot, window, "Fin Finance", "6666")
    fin = window.show_screen(BrandClaimsScreen)
    assert isinstance(fin, BrandClaimsScreen)
    assert fin.settle_button.isVisibleTo(fin) and not fin.settle_refusal.isVisibleTo(fin)
    assert "Ctrl+M" in [key for key, _ in fin.help_rows()]


def test_a_status_typed_at_the_desk_shows_its_answer_without_reading_the_claim_again(
    qtbot: Any, win: MainWindow, monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = _screen(qtbot, win, "Kim Store", "2222")
    qtbot.keyClicks(screen.field, SERIALS[0])
    qtbot.keyClick(screen.field, Qt.Key.Key_N, CTRL)
    assert screen.banner.word.text() == "✔  OPENED"
    reads: list[str] = []
    real = brand_screen.brand_claim

    def counted(db: Database, actor: Any, number: str) -> Any:
        reads.append(number)
        return real(db, actor, number)

    monkeypatch.setattr(brand_screen, "brand_claim", counted)
    screen.status.setFocus()
    qtbot.keyClicks(screen.status, "in")
    qtbot.keyClick(screen.status_note, Qt.Key.Key_T, CTRL)
    assert screen.banner.word.text() == "✔  STATUS", screen.banner.detail.text()
    assert _column(screen.updates, 1) == ["submitted → in repair"]
    assert reads == []  # the update answered with the brand claim; only the list reloads
    qtbot.keyClicks(screen.field, SERIALS[0])
    qtbot.keyClick(screen.field, Qt.Key.Key_S, CTRL | SHIFT)
    assert screen.banner.word.text() == "✔  SENT"
    assert len(reads) == 1  # a unit sent answers with the unit: the open claim is read again


def test_at_1024_every_status_and_settlement_field_shows_what_it_asks_for(
    qtbot: Any, win: MainWindow,
) -> None:
    win.resize(1024, 700)
    number = _kim_opens_one_for_the_three(qtbot, win)
    fin = _screen(qtbot, win, "Fin Finance", "6666")
    _scan(qtbot, fin, number)
    qtbot.waitUntil(lambda: fin.amount.isVisible())
    for field in (fin.status_note, fin.amount, fin.reference, fin.reason):
        words = field.placeholderText()
        # The field's words and its frame: "Amount" read "N…" and the reason "…" at 1024.
        assert field.width() >= field.fontMetrics().horizontalAdvance(words) + 12, (
            words, field.width())
    for button in (fin.status_button, fin.settle_button, fin.credit_note, fin.final):
        assert button.width() >= button.sizeHint().width(), (button.text(), button.width())
