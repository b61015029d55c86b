"""The message delivery report on the Reports screen, chosen by keys, with its failures below."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.conftest import sqlite_file
from tests.ui.conftest import sign_in
from tests.ui.print_helpers import one, window
from ui.screens.counter import CounterScreen
from ui.screens.reports import ReportsScreen
from warranty_desk.storage.home import Home


def test_a_manager_picks_message_delivery_by_keys_and_sees_each_failure(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with sqlite_file(demo_home.database) as conn:
        # One message the mail server refused: it is listed by its subject.
        conn.execute("UPDATE customer_messages SET state = 'bounced' WHERE rowid = "
                     "(SELECT max(rowid) FROM customer_messages WHERE direction = 'outbound')")
    with window(demo_home, monkeypatch, [CounterScreen, ReportsScreen]) as win:
        sign_in(qtbot, win, "Maria Manager", "5555")
        qtbot.keyClick(win, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
        screen = win.current_screen()
        assert isinstance(screen, ReportsScreen)
        assert not screen.follow_view.isVisible()  # claims by brand lists nothing below
        screen.choices.setFocus()
        for _ in range(3):
            qtbot.keyClick(screen.choices, Qt.Key.Key_Down)
        model = screen.model
        assert model.table is not None and model.table.name == "message-delivery"
        assert screen.since_label.text() == "Messages written since"
        screen.since.setDate(screen.since.date().addYears(-5))
        total = sum(int(model.text(r, 3)) for r in range(model.rowCount()))
        assert total == one(win, "SELECT count(*) FROM customer_messages "
                                 "WHERE direction = 'outbound'")
        assert screen.follow_view.isVisible()
        failures = screen.follow_model
        assert failures.rowCount() == 1 and failures.text(0, 4) == "bounced"
        subject = one(win, "SELECT subject FROM customer_messages WHERE state = 'bounced'")
        assert failures.text(0, 7) == subject
