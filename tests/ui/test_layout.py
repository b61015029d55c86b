"""Layout at the counter: the window fits a 1366×768 screen with its taskbar, the claims that
matter are in view, codes stay whole, notices belong to their screen, amounts carry currency."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QKeyEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui.conftest import sale_with_an_offer, sign_in
from tests.ui.widget_text import words
from ui.main_window import DECORATION, MainWindow, fitted_size
from ui.money import money
from ui.screens.claim_detail_parts.facts import ClaimFacts
from ui.tour import WORK_AREA  # a 1366×768 screen less a 40-pixel taskbar
from ui.widgets.labels import Label, TextView

# An amount written without its currency: 49.00, 1,299.00.
BARE_AMOUNT = re.compile(r"(?<![\d.,£€$])\b\d{1,3}(?:,\d{3})*\.\d{2}\b")


def _fit(win: MainWindow) -> None:
    win.fit_to_screen(WORK_AREA)
    QApplication.processEvents()


def _fitted_as(qtbot: Any, win: MainWindow, who: tuple[str, str], screen: str) -> Any:
    """The window fitted to the 1366×768 work area, signed in, on a screen."""
    _fit(win)
    sign_in(qtbot, win, *who)
    shown = win.show_screen(screen)
    QApplication.processEvents()
    return shown


def test_the_window_with_its_frame_fits_a_1366_by_768_screen_and_its_taskbar(
    window: MainWindow
) -> None:
    _fit(window)
    assert WORK_AREA.contains(QRect(window.pos(), window.size() + DECORATION))
    assert window.size() == QSize(1350, 688)
    assert window.minimumSize().height() <= window.height()


def test_a_big_screen_gets_a_window_no_bigger_than_the_counter_needs() -> None:
    assert fitted_size(QSize(1920, 1040)) == QSize(1440, 900)
    assert fitted_size(QSize(1024, 728)) == QSize(1008, 688)


def test_claim_state_promise_overdue_and_owner_are_in_view_on_a_1366_screen(
    qtbot: Any, window: MainWindow
) -> None:
    board = _fitted_as(qtbot, window, ("Maria Manager", "5555"), "ClaimsBoardScreen")
    header = board.table.horizontalHeader()
    room = board.table.viewport().width()
    for name in ("Claim", "State", "Promised", "Age", "Owner", "Customer", "Product", "Serial"):
        column = board.model.COLUMNS.index(name)
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert header.sectionViewportPosition(column) >= 0 and right <= room, name
    promised = board.model.COLUMNS.index("Promised")
    overdue = [board.model.index(n, promised).data() for n in range(board.model.rowCount())]
    width = header.sectionSize(promised)
    metrics = QFontMetrics(board.table.font())
    assert all(metrics.horizontalAdvance(text) < width for text in overdue if "OVERDUE" in text)


def _lines(label: QLabel) -> list[str]:
    """The label's text broken into lines the way Qt wraps it at the label's width."""
    drawn = QLabel.text(label)  # what Qt draws, not what Label.text() hands back
    layout = QTextLayout(drawn, label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(label.contentsRect().width())
        lines.append(drawn[line.textStart():line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


def test_a_code_never_breaks_across_two_lines(qapp: QApplication) -> None:
    label = Label("Freya Roberts  ·  +447700900038  ·  BR01-CU-000002")
    label.setWordWrap(True)
    for width in range(150, 420, 10):
        label.setFixedWidth(width)
        lines = [line.strip() for line in _lines(label)]
        assert not any(line.endswith(("-", "\u2011")) for line in lines), (width, lines)
    assert label.text() == "Freya Roberts  ·  +447700900038  ·  BR01-CU-000002"


def test_the_claim_card_keeps_codes_whole(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "Olive Owner", "7777")
    conn = sqlite3.connect(window.ctx.home.database)
    number = conn.execute("SELECT number FROM claims WHERE state = 'reviewing'").fetchone()[0]
    conn.close()
    window.ctx.navigate.emit("ClaimDetailScreen", number)
    screen: Any = window.current_screen()
    facts: ClaimFacts = screen.facts
    for width in range(560, 900, 40):
        facts.setFixedWidth(width)
        QApplication.processEvents()
        wrapping = [label for label in facts.findChildren(QLabel)
                    if label.wordWrap() and label.isVisible()]
        assert wrapping, "the claim card shows labels that wrap"
        for label in wrapping:
            assert not any(line.rstrip().endswith(("-", "\u2011"))
                           for line in _lines(label)), (width, label.text())


def test_a_notice_goes_when_its_screen_does(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "Olive Owner", "7777")
    window.notify("Claim BR01-C-2026-000001 moved to inspection.", "success")
    assert window.notice.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F4)
    assert window.current_screen() is window.stack.screen_for("ClaimsBoardScreen")
    assert not window.notice.isVisible() and window.notice.text() == ""
    window.notify("Printer not answering.", "error")
    qtbot.keyClick(window, Qt.Key.Key_F4)  # the same screen again: the notice stays
    assert window.notice.isVisible()


def test_every_amount_on_screen_carries_the_shops_currency(
    qtbot: Any, window: MainWindow
) -> None:
    assert money(4900) == "£49.00"  # the demo shop is a UK shop
    sign_in(qtbot, window, "Olive Owner", "7777")
    conn = sqlite3.connect(window.ctx.home.database)
    serial = conn.execute(
        "SELECT w.serial FROM warranties w JOIN products p ON p.id = w.product_id "
        "WHERE w.status = 'active' AND w.serial IS NOT NULL AND p.category = 'phones' "
        "ORDER BY w.start_on DESC").fetchone()[0]
    costed = conn.execute("SELECT c.number FROM claims c JOIN cost_postings p "
                          "ON p.claim_id = c.id ORDER BY c.number").fetchone()[0]
    conn.close()
    counter: Any = window.current_screen()
    counter.handle_scan(serial)
    seen = [words(window, shown_only=True)]
    window.ctx.navigate.emit("ExtensionScreen", counter.card.verdict)
    seen.append(words(window, shown_only=True))
    sale = sale_with_an_offer(window)
    seen.append(words(window, shown_only=True))
    assert sale.price.prefix().startswith("£")
    window.ctx.navigate.emit("ClaimDetailScreen", costed)
    detail: Any = window.current_screen()
    for n in range(detail.tabs.count()):
        detail.tabs.setCurrentIndex(n)
        seen.append(words(window, shown_only=True))
    for name in ("ReportsScreen", "SettingsScreen"):
        screen: Any = window.show_screen(name)
        tabs = getattr(screen, "tabs", None)
        for n in range(tabs.count() if tabs is not None else 1):
            if tabs is not None:
                tabs.setCurrentIndex(n)
            seen.append(words(window, shown_only=True))
    text = "\n".join(seen)
    assert "£" in text
    assert [line for line in text.splitlines() if BARE_AMOUNT.search(line)] == []


# A phone as the database keeps it (E.164), rather than as people write it.
E164 = re.compile(r"\+\d{8,15}\b")


def test_phones_on_screen_are_written_as_the_shops_country_writes_them(
    qtbot: Any, window: MainWindow
) -> None:
    sign_in(qtbot, window, "Olive Owner", "7777")
    conn = sqlite3.connect(window.ctx.home.database)
    serial, stored, reference, claim = conn.execute(
        "SELECT w.serial, c.phone, c.reference, k.number FROM warranties w "
        "JOIN customers c ON c.id = w.customer_id JOIN claims k ON k.warranty_id = w.id "
        "WHERE w.serial IS NOT NULL AND c.phone LIKE '+447700%' ORDER BY k.number").fetchone()
    conn.close()
    national = "0" + stored.removeprefix("+44")
    national = f"{national[:5]} {national[5:]}"  # 07700 900596
    counter: Any = window.current_screen()
    counter.handle_scan(serial)
    seen = [words(counter.card)]
    window.ctx.navigate.emit("ClaimDetailScreen", claim)
    seen.append(words(window.current_screen()))
    window.ctx.navigate.emit("CustomerScreen", reference)
    seen.append(words(window.current_screen()))
    assert all(national in text for text in seen), (national, seen)
    assert [m for text in seen for m in E164.findall(text)] == []


def test_a_letter_keeps_its_codes_whole_and_copies_them_as_typed(qapp: QApplication) -> None:
    view = TextView()
    view.set_text("Claim BR01-C-2026-000009: your refund")
    view.setFixedWidth(120)
    assert "BR01-C" not in view.toPlainText()  # drawn with hyphens no line breaks after
    assert view.text() == "Claim BR01-C-2026-000009: your refund"
    view.selectAll()
    view.copy()
    assert QApplication.clipboard().text() == "Claim BR01-C-2026-000009: your refund"
    label = Label("Open claim BR01-C-2026-000009.")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSelection(0, len(QLabel.text(label)))
    copy = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_C,
                                Qt.KeyboardModifier.ControlModifier)
    label.keyPressEvent(copy)
    assert QApplication.clipboard().text() == "Open claim BR01-C-2026-000009."


def test_the_extension_offer_scrolls_into_view_with_its_line(
    qtbot: Any, window: MainWindow
) -> None:
    _fitted_as(qtbot, window, ("Sam Sales", "1111"), "CounterScreen")
    sale = sale_with_an_offer(window, quantity=2)
    viewport = sale.manual_page.viewport()
    for widget in (sale.lines[0].box.offer.decline_button, sale.manual.line_list.fields()[0]):
        top = widget.mapTo(viewport, QPoint(0, 0)).y()
        assert top >= 0 and top + widget.height() <= viewport.height()
