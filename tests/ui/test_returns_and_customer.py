"""The returns desk and the customer screen through real widgets on the demo shop."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QTableView

from tests.conftest import sqlite_rows
from tests.ui.conftest import open_window, sign_in
from ui.main_window import MainWindow
from ui.printing.preview import PreviewChoice
from ui.screens.counter import CounterScreen
from ui.screens.customer import CustomerScreen
from ui.screens.returns_desk import ReturnsDeskScreen
from ui.widgets.mark_back_dialog import MarkBackDialog
from warranty_desk.storage.home import Home


@pytest.fixture
def desk(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """The main window with the counter, the returns desk and the customer screen."""
    yield from open_window(demo_home, monkeypatch,
                           [CounterScreen, ReturnsDeskScreen, CustomerScreen])


def _one(win: MainWindow, sql: str) -> Any:
    return sqlite_rows(win.ctx.db.path, sql)[0][0]


def _column(view: QTableView, col: int) -> list[str]:
    """A column's words, read through the view's model."""
    model = view.model()
    return [str(model.index(r, col).data()) for r in range(model.rowCount())]


def _returns_desk(qtbot: Any, win: MainWindow) -> ReturnsDeskScreen:
    sign_in(qtbot, win, "Kim Store", "2222")
    screen = win.show_screen(ReturnsDeskScreen)
    assert isinstance(screen, ReturnsDeskScreen)
    return screen


def test_kim_scans_a_claim_ticket_in_and_a_second_scan_says_already_received(
    qtbot: Any, desk: MainWindow,
) -> None:
    screen = _returns_desk(qtbot, desk)
    number = _one(desk, "SELECT number FROM claims WHERE state='received' ORDER BY number")
    qtbot.keyClicks(screen.field, number)
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)
    assert screen.banner.isVisible() and screen.banner.property("level") == "success"
    assert screen.banner.word.text() == "✔  RECEIVED"
    assert number in screen.banner.detail.text()
    assert number in _column(screen.stock, 0)
    assert "returns stock" in desk.notice.text()
    screen.handle_scan(number)
    assert screen.banner.word.text() == "!  ALREADY RECEIVED"
    assert "by Kim Store" in screen.banner.detail.text()
    assert _one(desk, "SELECT count(*) FROM stock_movements m JOIN claims c ON c.id=m.claim_id "
                f"WHERE c.number='{number}'") == 1


def test_an_unknown_serial_explains_that_a_claim_comes_first(
    qtbot: Any, desk: MainWindow,
) -> None:
    screen = _returns_desk(qtbot, desk)
    before = _one(desk, "SELECT count(*) FROM stock_movements")
    screen.handle_scan("NO-SUCH-UNIT-9")
    assert screen.banner.word.text() == "✖  NOT RECEIVED"
    assert "No open claim for serial NO-SUCH-UNIT-9" in screen.banner.detail.text()
    assert "Start a claim" in screen.banner.detail.text()
    assert _one(desk, "SELECT count(*) FROM stock_movements") == before


def test_a_replacement_is_handed_back_by_scanning_the_claim_then_the_new_unit(
    qtbot: Any, desk: MainWindow,
) -> None:
    screen = _returns_desk(qtbot, desk)
    screen.print_desk.preview = lambda _parent, _sheet: PreviewChoice()
    number, serial = sqlite_rows(
        desk.ctx.db.path,
        "SELECT number, replacement_serial FROM claims WHERE outcome='replace'")[0]
    screen.handover_claim.setFocus()
    screen.handle_scan(number)
    form = screen.hand_back_flow.dialog
    assert form is not None and form.isVisible()
    screen.handle_scan(serial)  # a serial scanner's read goes into the open form
    assert form.serial.text() == serial
    form.condition.setText("New, sealed")
    form.on_paper.setChecked(True)
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.banner.word.text() == "✔  HANDED BACK"
    assert serial in screen.banner.detail.text()
    assert _one(desk, "SELECT count(*) FROM claim_events WHERE kind='handed_over'") == 1
    assert _one(desk, "SELECT confirmation FROM hand_backs") == "paper"


def test_units_are_packed_for_a_supplier_then_marked_sent_and_back(
    qtbot: Any, desk: MainWindow,
) -> None:
    screen = _returns_desk(qtbot, desk)
    number = _one(desk, "SELECT number FROM claims WHERE state='reviewing'")
    screen.handle_scan(number)
    row = _column(screen.stock, 0).index(number)
    screen.stock.selectRow(row)
    qtbot.keyClick(screen.stock, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert screen.banner.word.text() == "✔  BATCH CREATED"
    batch = _one(desk, "SELECT number FROM supplier_batches")
    assert batch in screen.banner.detail.text() and "Lumen UK Distribution" in (
        screen.banner.detail.text())
    assert _column(screen.batches, 2) == ["open"]
    assert _column(screen.stock, 6)[_column(screen.stock, 0).index(number)] == (
        f"Packed in {batch}")
    screen.batches.selectRow(0)
    screen.send.click()
    assert screen.banner.word.text() == "✔  SENT"
    assert _column(screen.batches, 2) == ["sent"]
    assert number not in _column(screen.stock, 0)
    screen.batches.selectRow(0)
    asked: list[tuple[str, ...]] = []

    def every_unit_returned(batch: Any, units: Any) -> dict[str, str]:
        asked.append(tuple(f"{u.claim_number} {u.product} {u.serial}" for u in units))
        return {u.claim_number: "returned" for u in units}

    screen.ask_outcomes = every_unit_returned
    screen.back.click()
    serial = _one(desk, f"SELECT serial FROM claims WHERE number='{number}'")
    assert asked == [(f"{number} Lumen 14 Laptop {serial}",)]
    assert screen.banner.word.text() == "✔  BACK"
    assert "1 returned to stock, 0 credited, 0 scrapped" in screen.banner.detail.text()
    assert f"{number} returned" in screen.banner.detail.text()
    assert _column(screen.batches, 2) == ["back"]
    assert _one(desk, f"SELECT group_concat(kind) FROM stock_movements WHERE reference='{batch}'"
                ) == "to_supplier,back_from_supplier"


def _send_a_batch_of_two(qtbot: Any, desk: MainWindow) -> tuple[ReturnsDeskScreen, list[str]]:
    """Kim receives two Orbit phones, packs them together and sends the parcel."""
    screen = _returns_desk(qtbot, desk)
    numbers = [str(n) for (n,) in sqlite_rows(
        desk.ctx.db.path,
        "SELECT c.number FROM claims c JOIN products p ON p.id = c.product_id WHERE "
        "c.state = 'received' AND p.supplier = 'Orbit UK Distribution' ORDER BY c.number")]
    assert len(numbers) == 2
    for number in numbers:
        screen.handle_scan(number)
    screen.stock.setFocus()
    rows = [_column(screen.stock, 0).index(n) for n in numbers]
    screen.stock.selectRow(rows[0])
    for row in rows[1:]:
        screen.stock.selectionModel().select(
            screen.stock.model().index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    qtbot.keyClick(screen.stock, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert screen.banner.word.text() == "✔  BATCH CREATED"
    screen.batches.selectRow(0)
    qtbot.keyClick(screen.batches, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert screen.banner.word.text() == "✔  SENT"
    screen.batches.selectRow(0)
    return screen, numbers


def test_mark_back_asks_the_outcome_of_each_unit_and_only_returned_ones_come_back(
    qtbot: Any, desk: MainWindow,
) -> None:
    screen, (kept, scrapped) = _send_a_batch_of_two(qtbot, desk)
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, MarkBackDialog) and dialog is screen.dialog
        seen.append(dialog.summary.text())
        table = dialog.table
        assert [table.model().index(r, 0).data() for r in range(2)] == [kept, scrapped]
        assert "Orbit X Phone" in table.model().index(0, 1).data()
        # Kim scans the scrapped unit's ticket to find it, then presses S.
        assert screen.handle_scan(scrapped)
        assert table.currentIndex().row() == 1
        qtbot.keyClick(table, Qt.Key.Key_S)
        seen.append(dialog.summary.text())
        qtbot.keyClick(table, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    qtbot.keyClick(screen.batches, Qt.Key.Key_B,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert seen == ["2 returned to stock, 0 credited, 0 scrapped",
                    "1 returned to stock, 0 credited, 1 scrapped"]
    assert screen.dialog is None
    assert screen.banner.word.text() == "✔  BACK"
    assert "1 returned to stock, 0 credited, 1 scrapped" in screen.banner.detail.text()
    assert _column(screen.batches, 2) == ["back"]
    assert kept in _column(screen.stock, 0) and scrapped not in _column(screen.stock, 0)
    batch = _one(desk, "SELECT number FROM supplier_batches")
    assert _one(desk, f"SELECT count(*) FROM stock_movements WHERE reference='{batch}' "
                      "AND kind='back_from_supplier'") == 1


def test_escape_in_mark_back_leaves_the_batch_sent(qtbot: Any, desk: MainWindow) -> None:
    screen, _numbers = _send_a_batch_of_two(qtbot, desk)

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, MarkBackDialog)
        qtbot.keyClick(dialog.table, Qt.Key.Key_C)
        qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)

    QTimer.singleShot(0, cancel)
    screen.back.click()
    assert screen.banner.word.text() == "i  NOTHING CHANGED"
    assert _column(screen.batches, 2) == ["sent"]
    assert _one(desk, "SELECT state FROM supplier_batches") == "sent"


def test_mark_back_on_a_batch_not_yet_sent_says_so_without_asking(
    qtbot: Any, desk: MainWindow,
) -> None:
    screen = _returns_desk(qtbot, desk)
    screen.handle_scan(_one(desk, "SELECT number FROM claims WHERE state='reviewing'"))
    screen.stock.selectRow(0)
    screen.pack.click()
    screen.batches.selectRow(0)
    screen.ask_outcomes = lambda _batch, _units: pytest.fail("nothing should be asked")
    screen.back.click()
    assert screen.banner.word.text() == "!  NOT BACK"
    assert "only a batch marked sent can come back" in screen.banner.detail.text()


def test_packing_with_nothing_selected_says_what_to_do(qtbot: Any, desk: MainWindow) -> None:
    screen = _returns_desk(qtbot, desk)
    screen.stock.clearSelection()
    screen.pack.click()
    assert screen.banner.word.text() == "!  NOTHING SELECTED"
    assert _one(desk, "SELECT count(*) FROM supplier_batches") == 0


def test_sales_staff_do_not_see_the_returns_desk(qtbot: Any, desk: MainWindow) -> None:
    sign_in(qtbot, desk, "Sam Sales", "1111")
    titles = [desk.nav.item(r).text() for r in range(desk.nav.count())]
    assert not any(t.startswith("Returns desk") for t in titles)
    assert any(t.startswith("Customers") for t in titles)
    assert desk.show_screen(ReturnsDeskScreen) is None
    assert "not available to your role" in desk.notice.text()


def test_the_customer_screen_opened_from_a_verdict_shows_purchases_and_claims(
    qtbot: Any, desk: MainWindow,
) -> None:
    sign_in(qtbot, desk, "Sam Sales", "1111")
    number, serial = sqlite_rows(
        desk.ctx.db.path, "SELECT number, serial FROM claims WHERE state='inspecting'")[0]
    counter = desk.current_screen()
    assert isinstance(counter, CounterScreen)
    counter.handle_scan(serial)
    verdict = counter.card.verdict
    assert verdict is not None and verdict.customer_name
    qtbot.keyClick(counter.field, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    screen = desk.current_screen()
    assert isinstance(screen, CustomerScreen)
    assert screen.name.text() == verdict.customer_name
    assert serial in _column(screen.purchases, 2)
    assert any(word in _column(screen.purchases, 0)[_column(screen.purchases, 2).index(serial)]
               for word in ("IN COVER", "EXPIRED", "VOID", "NOT STARTED"))
    assert number in _column(screen.claims, 0)
    assert screen.tabs.tabText(1) == f"Claims ({screen.claims.model().rowCount()})"
    assert screen.messages.model().rowCount() > 0
    screen.tabs.setCurrentWidget(screen.claims)
    screen.claims.setFocus()
    screen.claims.selectRow(_column(screen.claims, 0).index(number))
    with qtbot.waitSignal(desk.ctx.navigate, timeout=1000) as opened:
        qtbot.keyClick(screen.claims, Qt.Key.Key_Return)
    assert opened.args == ["ClaimDetailScreen", number]


def test_customers_are_found_by_name_and_only_allowed_roles_change_the_segment(
    qtbot: Any, desk: MainWindow,
) -> None:
    name, ref = sqlite_rows(
        desk.ctx.db.path,
        "SELECT name, reference FROM customers WHERE segment='retail' ORDER BY name")[0]
    sign_in(qtbot, desk, "Kim Store", "2222")
    screen = desk.show_screen(CustomerScreen)
    assert isinstance(screen, CustomerScreen)
    qtbot.keyClicks(screen.search, name)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.results.count() >= 1 and screen.name.text() == name
    assert not screen.segment.isEnabled()
    desk.lock()
    sign_in(qtbot, desk, "Sue Support", "4444")
    screen = desk.show_screen(CustomerScreen)
    assert isinstance(screen, CustomerScreen)
    screen.open(ref)
    assert screen.segment.isEnabled()
    screen.segment.setCurrentText("vip")
    screen.segment.activated.emit(screen.segment.currentIndex())
    assert _one(desk, f"SELECT segment FROM customers WHERE reference='{ref}'") == "vip"
    assert "vip segment" in desk.notice.text()


def test_support_logs_a_complaint_about_a_claim_with_ctrl_k_and_settles_it(
    qtbot: Any, desk: MainWindow,
) -> None:
    from ui.screens.customer_complaints import NewComplaint

    ref, number = sqlite_rows(
        desk.ctx.db.path,
        "SELECT c.reference, k.number FROM claims k JOIN customers c ON c.id = k.customer_id "
        "ORDER BY k.number")[0]
    sign_in(qtbot, desk, "Sue Support", "4444")
    screen = desk.show_screen(CustomerScreen)
    assert isinstance(screen, CustomerScreen)
    screen.open(ref)
    offered: list[list[str]] = []

    def answer(_parent: Any, claims: list[str]) -> NewComplaint:
        offered.append(claims)
        return NewComplaint("Promised a call back, nobody rang", "phone", number)

    screen.complaints.ask_complaint = answer
    qtbot.keyClick(screen.search, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert number in offered[0]
    assert desk.notice.text().startswith("Complaint logged")
    assert screen.tabs.currentWidget() is screen.complaints
    assert screen.tabs.tabText(3) == "Complaints (1 open)"
    assert _column(screen.complaints.view, 4) == ["Promised a call back, nobody rang"]
    assert _one(desk, "SELECT count(*) FROM outbox_events WHERE topic='complaint.logged'") == 1
    screen.complaints.ask_resolution = lambda _parent: "Called back, apologised"
    screen.complaints.settle_button.click()
    assert desk.notice.text() == "Complaint settled."
    assert _column(screen.complaints.view, 5) == ["Called back, apologised"]
    assert screen.tabs.tabText(3) == "Complaints (1)"
