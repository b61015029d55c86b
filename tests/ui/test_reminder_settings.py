"""The reminder window and the retention-call days in Settings > Shop, typed and saved by keys."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.conftest import actor
from tests.ui.conftest import sign_in
from ui.main_window import MainWindow
from ui.screens.settings import SettingsScreen
from warranty_desk.errors import BadInput
from warranty_desk.permissions import Role
from warranty_desk.services import shop_settings


def test_the_owner_sets_the_reminder_window_by_keys(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "Olive Owner", "7777")
    screen = window.show_screen(SettingsScreen)
    assert isinstance(screen, SettingsScreen)
    tab = screen.shop
    qtbot.waitUntil(lambda: tab.view is not None)
    assert tab.reminder_days.value() == 30  # the default
    tab.reminder_days.setFocus()
    tab.reminder_days.lineEdit().selectAll()
    qtbot.keyClicks(tab.reminder_days, "45")
    qtbot.keyClick(tab, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shop_settings.get_shop(window.ctx.db).reminder_days == 45)
    assert window.notice.text() == "Shop details saved."


def test_a_window_out_of_range_is_refused_and_nothing_else_is_saved(
    window: MainWindow
) -> None:
    db = window.ctx.db
    view = shop_settings.get_shop(db)
    data = shop_settings.ShopUpdate(
        name=view.name, branch_name=view.branch_name, address=view.address,
        phone="+44 113 496 0999", email=view.email, currency=view.currency,
        locale=view.locale, timezone=view.timezone,
        portal_url_template=view.portal_url_template, reminder_days=0)
    with pytest.raises(BadInput, match="1 to 365 days before a warranty ends, not 0"):
        shop_settings.update_shop(db, actor(Role.OWNER), data)
    assert shop_settings.get_shop(db).phone == view.phone


def test_the_owner_sets_when_an_open_claim_asks_for_a_retention_call_by_keys(
    qtbot: Any, window: MainWindow
) -> None:
    sign_in(qtbot, window, "Olive Owner", "7777")
    screen = window.show_screen(SettingsScreen)
    assert isinstance(screen, SettingsScreen)
    tab = screen.shop
    qtbot.waitUntil(lambda: tab.view is not None)
    assert tab.open_days.value() == 30  # the default
    tab.open_days.setFocus()
    tab.open_days.lineEdit().selectAll()
    qtbot.keyClicks(tab.open_days, "21")
    qtbot.keyClick(tab, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shop_settings.get_shop(window.ctx.db).follow_up_open_days == 21)
    assert shop_settings.get_shop(window.ctx.db).reminder_days == 30  # the other kept
