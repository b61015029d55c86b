"""Amounts typed at the counter are read in the shop's own currency, through the core's money."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ui.money import use_shop_money
from ui.widgets.cost_dialog import CostDialog


@pytest.fixture
def yen_shop() -> Iterator[None]:
    use_shop_money("JPY", "ja_JP")
    yield
    use_shop_money("GBP", "en_GB")


def _cost_typed(qtbot: Any, text: str) -> CostDialog:
    dialog = CostDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.amount, text)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    return dialog


def test_a_cost_of_799_in_a_yen_shop_is_799_yen(qtbot: Any, yen_shop: None) -> None:
    dialog = _cost_typed(qtbot, "799")
    line = dialog.cost_line()
    assert line is not None and line.amount_minor == 799
    captions = [label.text() for label in dialog.findChildren(QLabel)]
    assert "&Amount (￥)" in captions or "&Amount (¥)" in captions, captions


def test_a_yen_cost_with_decimals_is_refused_in_plain_words(qtbot: Any, yen_shop: None) -> None:
    dialog = _cost_typed(qtbot, "7.99")
    assert dialog.cost_line() is None
    assert "for example 2500" in dialog.message.text()


@pytest.mark.parametrize(("typed", "minor"), [("25", 2500), ("25.5", 2550), ("25,50", 2550),
                                              ("£25.00", 2500)])
def test_a_pound_cost_is_read_as_a_person_types_it(qtbot: Any, typed: str, minor: int) -> None:
    use_shop_money("GBP", "en_GB")
    line = _cost_typed(qtbot, typed).cost_line()
    assert line is not None and line.amount_minor == minor


def test_a_price_typed_in_a_yen_shop_sells_at_that_many_yen(qtbot: Any, window: Any) -> None:
    from dataclasses import replace

    from tests.ui.conftest import db_rows, sign_in
    from tests.ui.till import Till
    from ui.screens.sale import SaleScreen
    from warranty_desk.demo.people import SYSTEM
    from warranty_desk.services import shop_settings

    now = shop_settings.get_shop(window.ctx.db)
    shop_settings.update_shop(window.ctx.db, SYSTEM, shop_settings.ShopUpdate(
        name=now.name, branch_name=now.branch_name, address=now.address, phone=now.phone,
        email=now.email, currency="JPY", locale="ja_JP", timezone=now.timezone))
    window.ctx.shop = replace(window.ctx.shop, currency="JPY", locale="ja_JP")
    sign_in(qtbot, window, "Sam Sales", "1111")
    till = Till(qtbot, window)
    till.press(Qt.Key.Key_F3)
    screen = window.current_screen()
    assert isinstance(screen, SaleScreen)
    till.type("TILL-YEN-1")
    till.press(Qt.Key.Key_Return)
    till.type("ORB-X-PHN")
    till.press(Qt.Key.Key_Return)  # on to the quantity
    till.press(Qt.Key.Key_Tab)  # on to the price
    assert screen.price.hasFocus() and screen.price.decimals() == 0
    screen.price.selectAll()
    till.type("799")
    till.press(Qt.Key.Key_Return)
    till.type("ORBX1-YEN001")
    till.press(Qt.Key.Key_Return)
    till.press(Qt.Key.Key_N)
    till.press(Qt.Key.Key_Return)
    assert screen.stack.currentWidget() is screen.done_page, screen.message.text()
    assert db_rows(window, """SELECT l.unit_price_minor FROM invoice_lines l
        JOIN sales s ON s.id = l.sale_id WHERE s.invoice_number = 'TILL-YEN-1'""") == [(799,)]
