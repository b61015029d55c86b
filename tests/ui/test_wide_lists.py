"""Lists at a 1024×768 window: no sideways scrolling, codes whole, the rest in a tooltip.

The person at the counter never scrolls a list sideways. When a window is too narrow for
every column, secondary ones step aside (their words join the row's tooltip) and long names
are cut short (the cell's tooltip holds them whole); a wider window brings them back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QTableView, QToolTip

from tests.ui.conftest import db_rows, sign_in
from ui.main_window import MainWindow
from ui.screens.claims_board import ClaimsBoardScreen
from ui.screens.reports import ReportsScreen, header_lines
from ui.widgets.column_fit import fitter

SMALL = QSize(1024, 768)
# The window on a 1366×768 screen with its taskbar (ui.main_window.fitted_size).
WIDE = QSize(1350, 688)


def _at(qtbot: Any, win: MainWindow, size: QSize, key: Qt.Key,
        modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> Any:
    win.resize(size)
    sign_in(qtbot, win, "Olive Owner", "7777")
    qtbot.keyClick(win, key, modifier)
    QApplication.processEvents()
    return win.current_screen()


def _resize(win: MainWindow, size: QSize) -> None:
    win.resize(size)
    QApplication.processEvents()


def _column(view: QTableView, title: str) -> int:
    model = view.model()
    return next(n for n in range(model.columnCount())
                if model.headerData(n, Qt.Orientation.Horizontal) == title)


def _fits(view: QTableView) -> None:
    over = view.horizontalHeader().length() - view.viewport().width()
    assert over <= 0, f"{view.objectName()} is {over} px wider than its "\
                      f"{view.viewport().width()} px"
    QApplication.processEvents()  # the scroll bar catches up with the columns
    assert view.horizontalScrollBar().maximum() == 0, view.horizontalHeader().length()


def _whole(view: QTableView, *titles: str) -> None:
    """These columns are shown and as wide as their longest text."""
    for title in titles:
        column = _column(view, title)
        assert not view.isColumnHidden(column), title
        assert view.columnWidth(column) >= view.sizeHintForColumn(column), title


def _shown(view: QTableView) -> list[str]:
    model = view.model()
    return [str(model.headerData(n, Qt.Orientation.Horizontal))
            for n in range(model.columnCount()) if not view.isColumnHidden(n)]


def _tooltip(view: QTableView, row: int, column: int) -> str:
    """What pointing at a cell shows, as Qt asks for it."""
    place = view.visualRect(view.model().index(row, column)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, place, view.viewport().mapToGlobal(place))
    QApplication.sendEvent(view.viewport(), event)
    shown = QToolTip.text()
    QToolTip.hideText()
    return shown


def test_at_1024_the_claims_board_needs_no_sideways_scroll_and_keeps_numbers_whole(
    qtbot: Any, window: MainWindow
) -> None:
    board = _at(qtbot, window, SMALL, Qt.Key.Key_F4)
    assert isinstance(board, ClaimsBoardScreen) and board.model.rowCount() > 3
    _fits(board.table)
    _whole(board.table, "Claim", "State", "Promised")
    assert _shown(board.table) == ["Claim", "State", "Promised", "Customer", "Product"]


def test_a_board_column_that_stepped_aside_is_in_the_rows_tooltip(
    qtbot: Any, window: MainWindow
) -> None:
    board = _at(qtbot, window, SMALL, Qt.Key.Key_F4)
    row = board.model.row_at(0)
    tip = _tooltip(board.table, 0, _column(board.table, "Claim"))
    assert tip.splitlines()[0] == row.number
    assert f"Serial: {row.serial}" in tip.splitlines()
    assert f"Opened: {row.opened_on}" in tip.splitlines()
    assert f"Owner: {row.assignee}" in tip.splitlines()


def test_the_line_under_the_board_follows_the_arrow_keys_with_what_stepped_aside(
    qtbot: Any, window: MainWindow
) -> None:
    """A tooltip needs the mouse: the keyboard reaches the same words under the list."""
    board = _at(qtbot, window, SMALL, Qt.Key.Key_F4)
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_Down)
    row = board.model.row_at(board.table.currentIndex().row())
    assert board.table.currentIndex().row() == 1
    assert board.aside.isVisible()
    words = board.aside.text().split("  ·  ")
    assert f"Serial: {row.serial}" in words and f"Opened: {row.opened_on}" in words
    product = board.model.index(1, _column(board.table, "Product")).data()
    cut = board.table.sizeHintForIndex(board.model.index(1, _column(board.table, "Product")))
    assert (f"Product: {product}" in words) == (cut.width() > board.table.columnWidth(
        _column(board.table, "Product")))
    _resize(window, QSize(1600, 900))
    assert not board.table.isColumnHidden(_column(board.table, "Serial"))
    # The serial and the day opened are back in their columns, no longer in the line.
    assert not any(w.startswith(("Serial:", "Opened:")) for w in board.aside.text().split("  ·  "))


def test_a_wider_window_brings_the_columns_back_and_a_narrower_one_sets_them_aside(
    qtbot: Any, window: MainWindow
) -> None:
    board = _at(qtbot, window, SMALL, Qt.Key.Key_F4)
    assert "Serial" not in _shown(board.table)
    _resize(window, WIDE)
    _fits(board.table)
    assert _shown(board.table)[:8] == ["Claim", "State", "Promised", "Age", "Owner",
                                       "Customer", "Product", "Serial"]
    _resize(window, SMALL)
    _fits(board.table)
    assert "Serial" not in _shown(board.table)


def test_every_report_fits_1024_and_the_down_key_picks_the_next(
    qtbot: Any, window: MainWindow
) -> None:
    reports = _at(qtbot, window, SMALL, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert isinstance(reports, ReportsScreen)
    assert reports.choices.hasFocus()
    seen = []
    for _ in range(reports.choices.count()):
        assert reports.model.table is not None
        seen.append(reports.model.table.name)
        _fits(reports.view)
        if reports.follow_view.isVisible():
            _fits(reports.follow_view)
        qtbot.keyClick(reports.choices, Qt.Key.Key_Down)
    assert len(set(seen)) == reports.choices.count()


def test_a_report_header_of_several_words_takes_short_lines() -> None:
    assert header_lines("Days to close") == "Days to\nclose"
    assert header_lines("Matches the cost ledger") == "Matches\nthe cost\nledger"
    assert header_lines("On time %") == "On time %"  # "%" and "On" never stand alone
    assert header_lines("Closed by promised day") == "Closed by\npromised\nday"
    assert header_lines("Recoverable") == "Recoverable"


def test_at_1024_returns_stock_fits_with_claim_and_serial_whole(
    qtbot: Any, window: MainWindow
) -> None:
    desk = _at(qtbot, window, SMALL, Qt.Key.Key_F5)
    table = desk.stock
    assert table.model().rowCount() > 0
    _fits(table)
    _whole(table, "Claim", "Serial", "Days")
    received = _column(table, "Received")
    assert table.isColumnHidden(received)
    day = table.model().index(0, received).data()
    assert f"Received: {day}" in _tooltip(table, 0, _column(table, "Product")).splitlines()


def test_at_1024_a_customers_purchases_fit_with_serial_and_open_claim_whole(
    qtbot: Any, window: MainWindow
) -> None:
    customer = _at(qtbot, window, SMALL, Qt.Key.Key_F6)
    reference = db_rows(window, "SELECT c.reference FROM customers c JOIN claims k ON "
                                "k.customer_id = c.id ORDER BY c.reference")[0][0]
    qtbot.keyClicks(customer.search, reference)
    qtbot.keyClick(customer.search, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert not customer.results.isVisible()  # one found: no list of one beside it
    view = customer.purchases
    assert view.model().rowCount() > 0
    _fits(view)
    _whole(view, "Cover", "Serial", "Until", "Open claim")
    code = view.model().index(0, _column(view, "Warranty")).data()
    assert f"Warranty: {code}" in _tooltip(view, 0, _column(view, "Product")).splitlines()
    assert fitter(view).hidden_titles() == ["Warranty", "Sold"]


def test_with_several_customers_found_their_purchases_still_fit_1024(
    qtbot: Any, window: MainWindow
) -> None:
    customer = _at(qtbot, window, SMALL, Qt.Key.Key_F6)
    qtbot.keyClicks(customer.search, "Roberts")
    qtbot.keyClick(customer.search, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert customer.results.isVisible() and customer.results.count() > 1
    view = customer.purchases
    assert view.model().rowCount() > 0
    _fits(view)
    _whole(view, "Cover", "Serial", "Open claim")
    # The list of those found sits above the profile: beside it, it squeezed the profile's
    # buttons and boxes to "…letter…" at 1024.
    from PySide6.QtWidgets import QComboBox, QPushButton
    for button in customer.findChildren(QPushButton):
        if button.isVisible():
            assert button.width() >= button.sizeHint().width(), (button.text(), button.width())
    for box in customer.findChildren(QComboBox):
        if box.isVisible():
            assert box.width() >= box.sizeHint().width(), (box.currentText(), box.width())


def test_spare_columns_step_aside_in_order_and_only_cuttable_text_is_cut(qtbot: Any) -> None:
    from ui.models.record_table import Column, RecordTableModel
    from ui.widgets.column_fit import fit_width
    from ui.widgets.record_view import fit_columns, record_view

    rows = [("BR01-C-2026-000001", "A long product name, whole", "2026-11-20", "note")]
    model: RecordTableModel[tuple[str, ...]] = RecordTableModel(
        [Column(title, lambda r, n=n: r[n])
         for n, title in enumerate(("Claim", "Product", "Opened", "Note"))])
    view = record_view(model, "sample")
    qtbot.addWidget(view)
    fit_width(view, spare=("Note", "Opened"), cut=("Product",))
    model.set_records(rows)
    view.resize(340, 200)
    view.show()
    fit_columns(view)
    QApplication.processEvents()
    assert _shown(view) == ["Claim", "Product"]  # "Note" first, then "Opened"
    _fits(view)
    _whole(view, "Claim")
    assert view.columnWidth(1) < view.sizeHintForColumn(1)  # the product is cut short
    assert fitter(view).aside(0) == ["Opened: 2026-11-20", "Note: note"]
    view.resize(1400, 200)
    QApplication.processEvents()
    assert _shown(view) == ["Claim", "Product", "Opened", "Note"]
    _whole(view, "Claim", "Product", "Opened")
