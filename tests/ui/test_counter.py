"""The counter through real widgets: sign in, scan, read the verdict card."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.conftest import sqlite_rows
from tests.ui.conftest import sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen


def _serial(win: MainWindow, verdict: str) -> str:
    from warranty_desk.permissions import Actor
    from warranty_desk.services.reports import warranty_register

    rows = warranty_register(win.ctx.db, Actor.system("test"), )
    return next(r.serial for r in rows if r.status == verdict and r.serial)


def test_a_wrong_pin_is_refused_in_plain_words_and_the_right_one_signs_in(
    qtbot: Any, window: MainWindow
) -> None:
    sign_in(qtbot, window, "Sam Sales", "9999")
    assert window.pages.currentWidget() is window.sign_in
    assert "Wrong PIN" in window.sign_in.message.text() or "PIN" in window.sign_in.message.text()
    sign_in(qtbot, window, "Sam Sales", "1111")
    assert window.pages.currentWidget() is window.work
    assert "Sam Sales" in window.who.text()


def test_typing_a_serial_shows_the_in_cover_card(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "Sam Sales", "1111")
    counter = window.current_screen()
    assert isinstance(counter, CounterScreen)
    serial = _serial(window, "in_cover")
    qtbot.keyClicks(counter.field, serial)
    qtbot.keyClick(counter.field, Qt.Key.Key_Return)
    assert counter.card.isVisible()
    assert "IN COVER" in counter.card.word.text()
    assert counter.card.property("verdict") == "in_cover"
    assert counter.card.verdict is not None and counter.card.verdict.serial == serial


def test_an_expired_unit_says_expired_with_its_own_symbol(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "Sam Sales", "1111")
    counter = window.current_screen()
    assert isinstance(counter, CounterScreen)
    counter.handle_scan(_serial(window, "expired"))
    assert counter.card.word.text().startswith("✖  EXPIRED")


def test_an_unknown_scan_says_not_found_and_what_to_try(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "Sam Sales", "1111")
    counter = window.current_screen()
    assert isinstance(counter, CounterScreen)
    counter.handle_scan("NO-SUCH-SERIAL-1")
    assert "NOT FOUND" in counter.card.word.text()
    assert "invoice number" in counter.card.detail.text()


def test_locking_returns_to_sign_in(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "Sam Sales", "1111")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.sign_in
    assert window.ctx.actor is None


def test_a_new_install_asks_for_the_owner_account_first(qtbot: Any, tmp_path: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from tests.conftest import pinned_clock
    from ui.app import build
    from warranty_desk.storage.home import Home

    home = Home(tmp_path / "fresh")
    win = build(home, QApplication.instance(), clock=pinned_clock(), inline=True)  # type: ignore[arg-type]
    qtbot.addWidget(win)
    assert win.pages.currentWidget() is win.first_run
    # The setup's owner step (the whole setup by keys: tests/ui/test_first_run_setup.py).
    from warranty_desk.services import first_run

    first_run.keep_draft(win.ctx.db, "owner", {})
    win.first_run.refresh()
    owner = win.first_run.page
    owner.name.setText("Nora Owner")
    owner.pin.setText("2468")
    owner.again.setText("2468")
    win.first_run.next_button.click()
    assert win.pages.currentWidget() is win.first_run  # the setup goes on to the policies
    first_run.finish(win.ctx.db, "alone", {})
    win.first_run.refresh()
    assert win.pages.currentWidget() is win.sign_in
    assert sqlite_rows(home.database, "SELECT role FROM staff") == [
        ("owner",)]
    win.ctx.db.dispose()


def test_a_manager_reaches_settings_with_only_the_suppliers_staff_and_invoice_import_tabs(
    qtbot: Any, window: MainWindow
) -> None:
    from ui.screens.settings import SettingsScreen

    sign_in(qtbot, window, "Maria Manager", "5555")
    settings = window.show_screen(SettingsScreen)
    assert isinstance(settings, SettingsScreen)
    # A manager sets suppliers' warranty terms (MANAGE_SUPPLIER_TERMS), unlocks a colleague
    # locked out after wrong PINs (UNLOCK_STAFF) and imports invoices; every other tab is the
    # owner's.
    assert [tab.title for tab in settings.visible_tabs()] == [
        "Suppliers", "Staff && roles",
        next(t.title for t in settings.all_tabs if "mport" in t.title)]


def test_sales_staff_do_not_see_settings_in_the_navigation(
    qtbot: Any, window: MainWindow
) -> None:
    sign_in(qtbot, window, "Sam Sales", "1111")
    listed = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert not any(text.startswith("Settings") for text in listed)
    assert any(text.startswith("Counter") for text in listed)


def test_ctrl_i_opens_the_sale_of_the_unit_shown(qtbot: Any, window: MainWindow) -> None:
    from ui.screens.sale import SaleScreen

    sign_in(qtbot, window, "Sam Sales", "1111")
    counter = window.current_screen()
    assert isinstance(counter, CounterScreen)
    counter.handle_scan(_serial(window, "in_cover"))
    invoice = counter.card.verdict.invoice_number if counter.card.verdict else ""
    qtbot.keyClick(counter.field, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    sale = window.current_screen()
    assert isinstance(sale, SaleScreen)
    assert sale.stack.currentWidget() is sale.capture_page
    assert invoice and invoice in sale.invoice.text()


def test_a_scanned_product_barcode_shows_the_product_and_the_cover_it_comes_with(
    qtbot: Any, window: MainWindow
) -> None:
    from warranty_desk.demo.catalogue import gtin13
    from warranty_desk.services.product_cover import product_cover_of

    sign_in(qtbot, window, "Sam Sales", "1111")
    counter = window.current_screen()
    assert isinstance(counter, CounterScreen)
    barcode = gtin13("506012345001")
    qtbot.keyClicks(counter.field, barcode)  # as a wedge scanner types it
    qtbot.keyClick(counter.field, Qt.Key.Key_Return)
    assert counter.card.property("verdict") == "product"
    assert counter.card.word.text() == "▤  PRODUCT  Lumen 14 Laptop"
    assert window.ctx.actor is not None
    known = product_cover_of(window.ctx.db, window.ctx.actor, barcode)
    assert known is not None
    # The card says what head office's product page says (rules.product_cover).
    assert counter.card.detail.text().startswith(known.cover.cover + "\n")
    assert "scan the serial number label" in counter.card.detail.text()
    assert [f"Extension: {p.words}" for p in known.cover.plans] == [
        line for line in counter.card.extra.text().splitlines() if line.startswith("Extension")]
    assert known.cover.plans and "£" in known.cover.plans[0].price
