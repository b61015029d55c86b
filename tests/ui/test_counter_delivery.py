"""Recording at the counter that an online order arrived: scan the order, the key, the day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from tests.conftest import actor
from tests.ui.conftest import db_rows
from tests.ui.test_counter_keys import _counter as counter_screen
from tests.ui.test_counter_keys import press
from ui.main_window import MainWindow
from ui.screens.customer_columns import PURCHASE_COLUMNS
from warranty_desk.models import Policy, Product
from warranty_desk.permissions import Role
from warranty_desk.services import lookup
from warranty_desk.services.activation import record_sale
from warranty_desk.services.delivery import record_delivery
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.views import WarrantyVerdict

ORDER = "WEB-PARCEL-1"


def waiting_unit(win: MainWindow) -> WarrantyVerdict:
    """A unit of the demo shop sold online two days ago under a cover-on-delivery policy."""
    db = win.ctx.db
    with db.write() as session:
        product = session.scalars(select(Product).where(Product.serial_required)
                                  .order_by(Product.sku)).first()
        assert product is not None
        session.get_one(Policy, product.policy_id).online_cover_from = "delivery"
        sku = product.sku
    record_sale(db, actor(Role.OWNER), SaleInput(
        ORDER, win.ctx.today() - timedelta(days=2), (LineInput(sku, 1, 10_000,
                                                                ("SN-PARCEL-1",)),),
        source="online"))
    (found,) = lookup.lookup(db, actor(Role.OWNER), "SN-PARCEL-1").matches
    assert found.awaits_delivery
    return found


def test_sales_scan_the_order_and_record_its_delivery_by_keys(
        qtbot: Any, window: MainWindow) -> None:
    unit = waiting_unit(window)
    counter = counter_screen(qtbot, window, "Sam Sales", "1111")
    qtbot.keyClicks(counter.field, ORDER)
    qtbot.keyClick(counter.field, Qt.Key.Key_Return)
    assert counter.card.verdict is not None and counter.card.verdict.verdict == "not_started"
    assert "cover starts on delivery" in counter.card.detail.text()
    button = counter.action_bar.buttons["delivered"]
    assert button.isVisible() and button.text() == "Record delivery…  (Ctrl+Shift+D)"

    press(qtbot, counter.field, "Ctrl+Shift+D")
    dialog = counter.delivery_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.day.hasFocus)
    # Up on the year: a day next year, which has not come: refused in the dialog, nothing saved.
    qtbot.keyClick(dialog.day, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.day, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "is in the future" in dialog.message.text() and dialog.isVisible()
    assert db_rows(window, "SELECT awaits_delivery FROM warranties WHERE code = ?",
                   unit.warranty_code) == [(1,)]
    qtbot.keyClick(dialog.day, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.day, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    today = window.ctx.today().isoformat()
    assert db_rows(window, "SELECT awaits_delivery, delivered_on, start_on FROM warranties "
                           "WHERE code = ?", unit.warranty_code) == [(0, today, today)]
    assert not dialog.isVisible()
    assert counter.card.verdict is not None and counter.card.verdict.verdict == "in_cover"
    assert counter.card.verdict.start_on.isoformat() == today
    assert "delivered" not in counter.action_bar.shown()


def test_a_technician_sees_no_delivery_button_and_the_key_says_why(
        qtbot: Any, window: MainWindow) -> None:
    waiting_unit(window)
    counter = counter_screen(qtbot, window, "Tariq Tech", "3333")
    counter.handle_scan(ORDER)
    assert "delivered" not in counter.action_bar.shown()
    press(qtbot, counter.field, "Ctrl+Shift+D")
    assert counter.delivery_dialog is None
    assert "not available to your role" in window.notice.text()


def test_the_customers_purchases_list_gives_no_end_before_delivery(window: MainWindow) -> None:
    unit = waiting_unit(window)
    until = next(c for c in PURCHASE_COLUMNS if c.title == "Until")
    assert until.text(unit) == "starts on delivery"
    record_delivery(window.ctx.db, actor(Role.SALES), ORDER, window.ctx.today())
    (delivered,) = lookup.lookup(window.ctx.db, actor(Role.SALES), ORDER).matches
    assert until.text(delivered) == str(delivered.end_on) and not delivered.awaits_delivery
