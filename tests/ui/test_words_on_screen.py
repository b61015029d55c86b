"""What the screens say, as a person at the counter reads them (fixes from the 1366×768
screenshots): stored words in plain words, nothing said twice, nothing cut off."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import db_rows, sign_in
from tests.ui.widget_text import words
from ui.main_window import MainWindow
from ui.tour import WORK_AREA, tour


def _fitted(qtbot: Any, win: MainWindow, who: str = "Olive Owner", pin: str = "7777") -> None:
    win.fit_to_screen(WORK_AREA)
    sign_in(qtbot, win, who, pin)
    QApplication.processEvents()


def test_the_board_names_a_products_brand_only_where_its_name_does_not(
        qtbot: Any, window: MainWindow) -> None:
    _fitted(qtbot, window)
    board: Any = window.show_screen("ClaimsBoardScreen")
    product = board.model.COLUMNS.index("Product")
    shown = {board.model.index(row, product).data() for row in range(board.model.rowCount())}
    assert "Lumen 14 Laptop" in shown and "Lumen 14 Laptop (Lumen)" not in shown
    search = board.search
    room = search.width() - 40  # its frame and clear button
    assert QFontMetrics(search.font()).horizontalAdvance(search.placeholderText()) <= room


def test_the_claim_screen_says_channel_type_and_events_in_words_with_the_reason_last(
        qtbot: Any, window: MainWindow) -> None:
    _fitted(qtbot, window)
    number = db_rows(window, "SELECT c.number FROM claims c JOIN claim_events e "
                             "ON e.claim_id = c.id WHERE c.channel = 'portal' "
                             "AND e.kind = 'evidence' ORDER BY c.number")[0][0]
    window.ctx.navigate.emit("ClaimDetailScreen", number)
    screen: Any = window.current_screen()
    facts = [screen.facts.grid.itemAt(n).widget().text()
             for n in range(screen.facts.grid.count())]
    assert "Customer portal" in facts and "portal" not in facts
    assert "Fault" in facts and "fault" not in facts
    model = screen.timeline_model
    titles = [c.title for c in model.columns]
    assert titles[-1] == "Reason"
    what = [model.index(row, titles.index("What")).data() for row in range(model.rowCount())]
    assert "Evidence added" in what and "evidence" not in what


def test_a_policy_without_a_claim_limit_says_so_in_a_sentence(
        qtbot: Any, window: MainWindow) -> None:
    _fitted(qtbot, window, "Sam Sales", "1111")
    serial = db_rows(window, """
        SELECT w.serial FROM warranties w JOIN products p ON p.id = w.product_id
        JOIN policies y ON y.id = p.policy_id
        WHERE y.claim_limit_count IS NULL AND w.status = 'active' AND w.serial IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.warranty_id = w.id
                          AND c.state NOT IN ('resolved', 'rejected'))
        ORDER BY w.end_on DESC""")[0][0]
    counter: Any = window.current_screen()
    counter.handle_scan(serial)
    qtbot.keyClick(counter.field, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    screen: Any = window.current_screen()
    assert screen.limit.text() == "The policy sets no claim limit."


def test_with_no_customer_shown_there_is_no_segment_or_follow_up_to_change(
        qtbot: Any, window: MainWindow) -> None:
    _fitted(qtbot, window)
    screen: Any = window.show_screen("CustomerScreen")
    assert not screen.segment.isVisibleTo(screen)
    assert not screen.retention.isVisibleTo(screen)
    reference = db_rows(window, "SELECT reference FROM customers ORDER BY reference")[0][0]
    qtbot.keyClicks(screen.search, reference)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.profile is not None and screen.segment.isVisibleTo(screen)
    assert not screen.status.text().startswith("Segment")


# The guide's shots include head office out of reach: the sync worker logs it as it should.
@pytest.mark.logs(r"^Sync cycle", r"^Inbox pull stopped")
def test_the_screenshot_tour_shows_the_window_as_a_1366_by_768_screen_fits_it(
        qapp: QApplication, tmp_path: Path) -> None:
    written = tour(tmp_path)
    # Every listed screen (Dashboard F8, Reports Shift+F8, Audit sample Ctrl+F8, Brand claims
    # F11, Follow-ups F12), then Settings > Suppliers, a brand claim open, and its supplier
    # contact's landing; in the dark theme, the sign-in, the counter and the dashboard; in
    # both, the dashboard compared by brand. And the first-run setup's seven steps
    # (ui/tour_setup.py).
    assert len([p for p in written if p.parent == tmp_path]) == 26 + 2 + 7
    assert {"11-dashboard-compared.png", "11-dashboard-compared-dark.png"} <= {
        p.name for p in written}
    # docs/guide's own: the roles' screens and the failing scanner, printer and network.
    assert len([p for p in written if p.parent == tmp_path / "guide"]) == 16
    for png in written:
        width, height = struct.unpack(">II", png.read_bytes()[16:24])
        assert (width, height) == (1350, 688), png.name


def test_a_unit_out_of_cover_is_covered_today_by_no_one(qtbot: Any, window: MainWindow) -> None:
    _fitted(qtbot, window)
    serial = db_rows(window, "SELECT serial FROM warranties WHERE status = 'void' "
                             "AND serial IS NOT NULL ORDER BY code")[0][0]
    counter: Any = window.current_screen()
    counter.handle_scan(serial)
    assert counter.card.verdict is not None and counter.card.verdict.verdict == "void"
    shown = words(counter.card).splitlines()
    assert "No one" in shown and "nobody" not in shown
