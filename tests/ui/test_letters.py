"""The customer's letter: previewed as it will be sent, as fields change, in whole sentences."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QRadioButton

from tests.ui.conftest import sign_in
from ui.main_window import MainWindow
from ui.widgets.decision_dialog import DecisionDialog
from warranty_desk.models import Segment
from warranty_desk.services import messages

# Words a template line may end on without the sentence going on: the greeting, the end of
# a sentence, and a colon introducing what follows.
_ENDS = (",", ".", ":", "?", "!")


def _claim_in(win: MainWindow, state: str) -> str:
    conn = sqlite3.connect(win.ctx.home.database)
    try:
        return str(conn.execute("SELECT number FROM claims WHERE state = ? ORDER BY number",
                                (state,)).fetchone()[0])
    finally:
        conn.close()


def _decision_dialog(qtbot: Any, win: MainWindow, target: str) -> tuple[Any, DecisionDialog]:
    sign_in(qtbot, win, "Olive Owner", "7777")
    state = "repairing" if target == "resolved" else "inspecting"
    win.ctx.navigate.emit("ClaimDetailScreen", _claim_in(win, state))
    screen: Any = win.current_screen()
    screen.start_move(target)
    dialog = screen.dialog
    assert isinstance(dialog, DecisionDialog) and dialog.isVisible()
    dialog.activateWindow()  # its own keys (Alt+letters, Ctrl+Enter) work in the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return screen, dialog


def test_the_refund_letter_follows_the_amount_and_reason_as_they_are_typed(
    qtbot: Any, window: MainWindow
) -> None:
    _screen, dialog = _decision_dialog(qtbot, window, "resolved")
    qtbot.mouseClick(dialog.findChild(QRadioButton, "outcome_refund"), Qt.MouseButton.LeftButton)
    assert "[refund amount]" in dialog.letter.text()
    qtbot.keyClicks(dialog.refund, "49.5")
    assert "[refund amount]" not in dialog.letter.text()
    # The demo claim's customer is a reseller: their register ("for the laptop", not "your").
    assert "refunded £49.50 for the" in dialog.letter.text()
    qtbot.mouseClick(dialog.findChild(QRadioButton, "outcome_replace"),
                     Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.serial, "new-unit-77")
    assert "serial NEW-UNIT-77" in dialog.letter.text()


def test_the_letter_previewed_is_the_letter_sent(qtbot: Any, window: MainWindow) -> None:
    screen, dialog = _decision_dialog(qtbot, window, "rejected")
    qtbot.keyClicks(dialog.reason, "The seal inside shows water got in.")
    previewed = dialog.letter.text()
    assert "The seal inside shows water got in." in previewed
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    sent = screen.detail.messages[-1]
    assert previewed == f"{sent.subject}\n\n{sent.body}"


def test_a_problem_with_the_fields_is_said_beside_them_never_inside_the_letter(
    qtbot: Any, window: MainWindow
) -> None:
    _screen, dialog = _decision_dialog(qtbot, window, "rejected")
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert dialog.isVisible() and dialog.message.isVisible()
    assert "reason" in dialog.message.text()
    assert dialog.message.text() not in dialog.letter.text()
    assert not dialog.letter_box.isAncestorOf(dialog.message)
    assert dialog.message.property("level") == "warning"
    # Read top to bottom: the fields, what is wrong with them, then the letter.
    message_bottom = dialog.message.mapTo(dialog, QPoint(0, dialog.message.height())).y()
    assert message_bottom <= dialog.letter_box.mapTo(dialog, QPoint(0, 0)).y()


@pytest.mark.parametrize("segment", list(Segment))
@pytest.mark.parametrize("name", sorted(messages.templates()))
def test_every_letter_is_whole_sentences_and_signs_off_without_a_comma(
    name: str, segment: Segment
) -> None:
    values = {k: f"<{k}>" for k in ("customer", "claim", "product", "serial", "shop",
                                     "promised", "reason", "amount", "new_serial", "end", "days")}
    values["reason"] = "<a reason, as typed>."
    values["reply"] = "<a reply, as typed>."
    values["plans"] = "- <a plan>: <months> more months for <price>."
    for phone in ("+44 20 7946 0321", ""):
        body = messages.render(name, {**values, "phone": phone}, segment).body
        lines = body.split("\n")
        signature = lines[-2:] if phone else lines[-1:]
        prose = [ln for ln in lines[:-len(signature)] if ln.strip()]
        # Each paragraph is one line, which the preview and the customer's mail app wrap.
        assert [ln for ln in prose if not ln.rstrip().endswith(_ENDS)] == []
        assert not body.rstrip().endswith(","), body
        assert body == body.rstrip() and "<shop>" in signature[0]
