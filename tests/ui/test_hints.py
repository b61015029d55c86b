"""Hints name only what the person may use, F1 lists every key shown, and the words read well."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from tests.ui.conftest import sale_with_an_offer, sign_in
from tests.ui.widget_text import words
from ui.main_window import MainWindow
from ui.wording import count

# A key shown in brackets on a button or label: "Print slip  (Ctrl+P)", "Sync off  (F10)".
SHOWN_KEY = re.compile(r"\(((?:Ctrl|Alt|Shift)\+[^)]+|F\d{1,2}|Esc|Enter|Del)\)")
PEOPLE = {"Sam Sales": "1111", "Maria Manager": "5555", "Olive Owner": "7777",
          "Tariq Tech": "3333"}


def _one(win: MainWindow, sql: str) -> str:
    conn = sqlite3.connect(win.ctx.home.database)
    try:
        return str(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def _shown_keys(win: MainWindow) -> set[str]:
    texts = [w.text() for kind in (QLabel, QAbstractButton) for w in win.findChildren(kind)
             if w.isVisible()]
    return {m.group(1) for text in texts for m in SHOWN_KEY.finditer(text)}


def _help_keys(win: MainWindow) -> set[str]:
    found: set[str] = set()
    for key, _words in win.help_rows():
        found |= {part.strip() for part in re.split(r"/| or ", key)}
    return found


@pytest.mark.parametrize("name", sorted(PEOPLE))
def test_f1_lists_every_key_the_screen_and_status_bar_show(
    qtbot: Any, window: MainWindow, name: str
) -> None:
    sign_in(qtbot, window, name, PEOPLE[name])
    serial = _one(window, "SELECT w.serial FROM warranties w JOIN products p ON p.id = "
                          "w.product_id WHERE w.status = 'active' AND p.category = 'phones' "
                          "ORDER BY w.start_on DESC")
    claim = _one(window, "SELECT number FROM claims WHERE state = 'inspecting'")
    counter: Any = window.current_screen()
    counter.handle_scan(serial)
    visits = [(s.name, None) for s in window.stack.listed()]
    visits += [("ExtensionScreen", counter.card.verdict), ("ClaimDetailScreen", claim)]
    missing = {}
    for screen, payload in visits:
        if payload is None:
            window.show_screen(screen)
        else:
            window.ctx.navigate.emit(screen, payload)
        if screen == "SaleScreen" and window.current_screen() is not None:
            sale_with_an_offer(window)
        QApplication.processEvents()
        if lost := _shown_keys(window) - _help_keys(window):
            missing[screen] = sorted(lost)
    assert missing == {}


def test_the_extension_offer_is_answered_by_keys_f1_names(
    qtbot: Any, window: MainWindow
) -> None:
    sign_in(qtbot, window, "Sam Sales", "1111")
    sale = sale_with_an_offer(window)
    offer = sale.lines[0].box.offer
    assert offer is not None and offer.decision() is None
    keys = dict(window.help_rows())
    assert "Accept" in keys["Alt+A"] and "Decline" in keys["Alt+D"]
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert offer.decision() == "decline"
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert offer.decision() == "accept"


def test_a_manager_is_never_pointed_at_f10_nor_sales_staff_at_settings(
    qtbot: Any, window: MainWindow
) -> None:
    sign_in(qtbot, window, "Maria Manager", "5555")
    window.sync_status.refresh()
    QApplication.processEvents()
    assert "F10" not in words(window, shown_only=True)
    assert "F10" not in window.sync_status.toolTip()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    sign_in(qtbot, window, "Sam Sales", "1111")
    counter: Any = window.current_screen()
    counter.handle_scan(_one(window, "SELECT serial FROM warranties WHERE serial IS NOT NULL "
                                     "AND status = 'active' ORDER BY code"))
    counter.print_slip()  # this till has no receipt printer
    said = window.notice.text()
    assert "receipt printer" in said and "Settings" not in said and "F9" not in said
    sale = sale_with_an_offer(window)
    for n, field in enumerate(sale.manual.line_list.fields()):
        qtbot.keyClicks(field, f"ORBX1-HINT{n}")
    sale.lines[0].box.offer.decline_button.click()
    sale.finish()
    assert "Settings" not in words(window, shown_only=True)


def test_counts_say_one_warranty_and_two_warranties() -> None:
    assert count(1, "warranty", "warranties") == "1 warranty"
    assert count(2, "warranty", "warranties") == "2 warranties"
    assert count(0, "serial") == "0 serials"
    assert count(1, "serial") == "1 serial"


def test_a_finished_sale_says_warranties_in_plain_plural(
    qtbot: Any, window: MainWindow
) -> None:
    sign_in(qtbot, window, "Olive Owner", "7777")
    sale = sale_with_an_offer(window)
    for n, field in enumerate(sale.manual.line_list.fields()):
        qtbot.keyClicks(field, f"ORBX1-PLURAL{n}")
    sale.lines[0].box.offer.decline_button.click()
    sale.finish()
    text = words(window, shown_only=True)
    assert "(ies)" not in text and "(s)" not in text
    assert re.search(r"\b1 warranty activated\b", text)


def test_a_rejected_claim_reads_rejected_not_rejected_reject(
    qtbot: Any, window: MainWindow
) -> None:
    sign_in(qtbot, window, "Olive Owner", "7777")
    claim = _one(window, "SELECT number FROM claims WHERE state = 'rejected'")
    window.ctx.navigate.emit("ClaimDetailScreen", claim)
    detail: Any = window.current_screen()
    assert "Rejected" in detail.headline.text()
    assert "(reject)" not in detail.headline.text()
    serial = _one(window, f"SELECT serial FROM claims WHERE number = '{claim}'")
    counter: Any = window.show_screen("CounterScreen")
    counter.handle_scan(serial)
    assert "rejected, reject" not in counter.card.extra.text()


def test_the_owner_is_told_where_the_receipt_printer_is_set_up(
    qtbot: Any, window: MainWindow
) -> None:
    sign_in(qtbot, window, "Olive Owner", "7777")
    counter: Any = window.current_screen()
    counter.handle_scan(_one(window, "SELECT serial FROM warranties WHERE serial IS NOT NULL "
                                     "AND status = 'active' ORDER BY code"))
    counter.print_slip()
    assert "set one up under Settings > Devices (F9)" in window.notice.text()


def test_f1_lists_only_the_keys_the_persons_role_may_use(
    qtbot: Any, window: MainWindow
) -> None:
    claim = _one(window, "SELECT number FROM claims WHERE state = 'rejected'")

    def keys_on(screen: str, payload: object = None) -> set[str]:
        if payload is None:
            window.show_screen(screen)
        else:
            window.ctx.navigate.emit(screen, payload)
        return _help_keys(window)

    sign_in(qtbot, window, "Tariq Tech", "3333")
    counter = keys_on("CounterScreen")
    assert {"Ctrl+N", "Ctrl+I", "Ctrl+E"}.isdisjoint(counter) and "Ctrl+U" in counter
    detail = keys_on("ClaimDetailScreen", claim)
    assert {"Ctrl+Shift+R", "Ctrl+Shift+W", "Ctrl+Shift+V", "Ctrl+D"}.isdisjoint(detail)
    assert {"Ctrl+T", "Ctrl+Enter (findings)"} <= detail
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    sign_in(qtbot, window, "Maria Manager", "5555")
    assert {"Ctrl+N", "Ctrl+I", "Ctrl+E"} <= keys_on("CounterScreen")
    assert {"Ctrl+Shift+R", "Ctrl+Shift+W", "Ctrl+Shift+V", "Ctrl+D"} <= keys_on(
        "ClaimDetailScreen", claim)
    assert "Ctrl+Shift+W" in keys_on("CustomerScreen")
