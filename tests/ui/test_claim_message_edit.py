"""The claim's Messages tab by keys: a queued message reworded before it goes, a reply to the
customer, and a customer's message marked new on the board until the claim is opened."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claims_board import ClaimsBoardScreen
from ui.screens.counter import CounterScreen
from warranty_desk.services import inbox
from warranty_desk.services.inbox import InboxItemInput
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch,
                           [CounterScreen, ClaimsBoardScreen, ClaimDetailScreen])


def _rows(win: MainWindow, sql: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(win.ctx.db.path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _queued_claim(win: MainWindow) -> str:
    return str(_rows(win, """
        SELECT c.number FROM claims c JOIN customer_messages m ON m.claim_id = c.id
        WHERE m.state = 'queued' AND m.direction = 'outbound' AND c.customer_id IS NOT NULL
          AND c.state NOT IN ('resolved', 'rejected')
        ORDER BY c.number LIMIT 1""")[0][0])


def _messages_tab(qtbot: Any, win: MainWindow, number: str) -> ClaimDetailScreen:
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen)
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.number == number)
    qtbot.keyClick(screen, Qt.Key.Key_M, ALT)
    assert screen.tabs.currentWidget() is screen.messages
    return screen


def test_a_queued_message_is_reworded_by_keys_and_both_versions_are_audited(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Sue Support", "4444")
    number = _queued_claim(win)
    screen = _messages_tab(qtbot, win, number)
    tab = screen.messages
    row = next(n for n, m in enumerate(tab.messages) if m.editable)
    tab.list.setFocus()
    tab.list.setCurrentRow(row)
    before = tab.messages[row]
    assert tab.edit_button.isEnabled()
    qtbot.keyClick(tab.list, Qt.Key.Key_E, CTRL | SHIFT)
    assert tab.writer.isVisible() and tab.text.hasFocus()
    assert tab.text.toPlainText() == before.body
    tab.text.moveCursor(tab.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(tab.text, " Bring the charger too, please.")
    qtbot.keyClick(tab.text, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not tab.writer.isVisible())
    [(body,)] = _rows(win, "SELECT body FROM customer_messages WHERE lower(hex(id)) = ?",
                      before.id)
    assert body == before.body + " Bring the charger too, please."
    [(details,)] = _rows(win, "SELECT details FROM audit_entries WHERE action = 'message.edited'")
    kept = json.loads(details)
    assert kept["before"]["body"] == before.body and kept["after"]["body"] == body


def test_staff_reply_by_keys_and_an_empty_reply_is_refused_in_words(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Sue Support", "4444")
    number = _queued_claim(win)
    tab = _messages_tab(qtbot, win, number).messages
    tab.list.setFocus()
    qtbot.keyClick(tab.list, Qt.Key.Key_A, CTRL | SHIFT)  # A for answer
    assert tab.writer.isVisible() and tab.text.hasFocus()
    qtbot.keyClick(tab.text, Qt.Key.Key_Return, CTRL)
    assert "Write the message first" in tab.problem.text()
    qtbot.keyClicks(tab.text, "We have the part; it will be ready on Friday.")
    qtbot.keyClick(tab.text, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not tab.writer.isVisible())
    sent = _rows(win, """
        SELECT m.body, m.state FROM customer_messages m JOIN claims c ON c.id = m.claim_id
        WHERE c.number = ? AND m.template = 'staff_reply'""", number)
    assert len(sent) == 1 and sent[0][1] == "queued"
    assert "We have the part; it will be ready on Friday." in sent[0][0]


def test_a_customers_message_is_marked_on_the_board_until_the_claim_is_opened(
    qtbot: Any, win: MainWindow
) -> None:
    number = _queued_claim(win)
    # The portal's message_received item, applied as the sync worker applies it.
    inbox.apply_item(win.ctx.db, InboxItemInput("in-ui-1", "message_received", {
        "claim_ref": number, "body": "Can I collect it on Saturday?"}),
        documents=DocumentStore(win.ctx.home.documents), fetch_document=lambda _s: b"")
    sign_in(qtbot, win, "Sue Support", "4444")
    qtbot.keyClick(win, Qt.Key.Key_F4)
    board = win.current_screen()
    assert isinstance(board, ClaimsBoardScreen)
    qtbot.keyClicks(board.search, number)
    qtbot.waitUntil(lambda: any(r.number == number for r in board.model.rows))
    row = next(n for n, r in enumerate(board.model.rows) if r.number == number)
    assert board.model.data(board.model.index(row, 0)) == f"{number}  ✉ 1 new"
    screen = _messages_tab(qtbot, win, number)
    assert screen.tabs.tabText(screen.tabs.indexOf(screen.messages)) == "&Messages (1 new)"
    assert any(screen.messages.list.item(n).text().startswith("● new")
               for n in range(screen.messages.list.count()))
    qtbot.waitUntil(lambda: _rows(win, """
        SELECT count(*) FROM customer_messages m JOIN claims c ON c.id = m.claim_id
        WHERE c.number = ? AND m.direction = 'inbound' AND m.read_at IS NULL""",
                                  number)[0][0] == 0)
    QApplication.processEvents()
