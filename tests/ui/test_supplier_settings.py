"""Settings > Suppliers: a supplier's terms typed and saved by keys, and the shop's settlement
limit, which only the owner sets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.conftest import actor
from tests.ui.conftest import sign_in
from ui.main_window import MainWindow
from ui.screens.settings import SettingsScreen
from warranty_desk.permissions import Role
from warranty_desk.services.supplier_terms import TermsInput, all_terms, get_settlement_limit


def _suppliers_tab(qtbot: Any, window: MainWindow) -> Any:
    screen = window.show_screen(SettingsScreen)
    assert isinstance(screen, SettingsScreen)
    # Ctrl+Tab to the Suppliers tab, as a person moves between tabs.
    for _ in range(len(screen.all_tabs)):
        if screen.tabs.currentWidget() is screen.suppliers:
            break
        qtbot.keyClick(screen.tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert screen.tabs.currentWidget() is screen.suppliers
    tab = screen.suppliers
    qtbot.waitUntil(lambda: tab.supplier.count() > 0)
    return tab


def _terms(window: MainWindow, supplier: str) -> TermsInput:
    found = {t.supplier: t for t in all_terms(window.ctx.db, actor(Role.MANAGER))}
    return found[supplier]


def test_a_manager_sets_a_suppliers_terms_by_keys(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "Maria Manager", "5555")
    tab = _suppliers_tab(qtbot, window)
    edit = tab.supplier.lineEdit()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Kettlo Direct")
    # Tab on to the kinds: parts, labour, replacement, shipping; Space toggles.
    for box, want in ((tab.kinds["labour"], False), (tab.kinds["shipping"], True)):
        box.setFocus()
        if box.isChecked() != want:
            qtbot.keyClick(box, Qt.Key.Key_Space)
    tab.window_days.setFocus()
    tab.window_days.lineEdit().selectAll()
    qtbot.keyClicks(tab.window_days, "730")
    tab.window_from.setFocus()
    qtbot.keyClick(tab.window_from, Qt.Key.Key_Down)  # from the claim
    tab.stale_days.setFocus()
    tab.stale_days.lineEdit().selectAll()
    qtbot.keyClicks(tab.stale_days, "21")
    tab.profile.setFocus()
    qtbot.keyClick(tab.profile, Qt.Key.Key_End)
    tab.centre.setFocus()
    qtbot.keyClicks(tab.centre, "Kettlo Care Leeds")
    qtbot.keyClick(tab, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Terms saved for Kettlo Direct" in window.notice.text())
    saved = _terms(window, "Kettlo Direct")
    assert saved.kinds == frozenset({"parts", "replacement", "shipping"})
    assert (saved.window_days, saved.window_from, saved.stale_after_days) == (730, "claim", 21)
    assert saved.packet_profile == tab.profile.itemData(tab.profile.count() - 1)
    assert saved.service_centre == "Kettlo Care Leeds"
    qtbot.waitUntil(lambda: "Kettlo Direct" in [tab.model.text(r, 0)
                                                for r in range(tab.model.rowCount())])
    # A manager reads the shop's limit but does not set it.
    assert tab.limit.text() == "£50.00" and not tab.limit.isEnabled()


def test_the_owner_sets_the_settlement_limit_by_keys(
    qtbot: Any, window: MainWindow,
) -> None:
    sign_in(qtbot, window, "Olive Owner", "7777")
    tab = _suppliers_tab(qtbot, window)
    qtbot.waitUntil(lambda: tab.limit.isEnabled())
    tab.limit.setFocus()
    tab.limit.selectAll()
    qtbot.keyClicks(tab.limit, "fifty")  # a money box takes no letters
    assert tab.limit.text() == "£50.00"
    tab.limit.selectAll()
    qtbot.keyClicks(tab.limit, "120")
    qtbot.keyClick(tab.limit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: get_settlement_limit(window.ctx.db, actor(Role.OWNER)) == 12_000)
    assert window.notice.text() == "Settlement limit saved: a difference over £120.00 needs a " \
                                   "manager."
