"""The Settings screen through real widgets, signed in as the demo shop's system admin."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from tests.ui.conftest import db_rows, open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.settings import SettingsScreen
from warranty_desk import config, permissions
from warranty_desk.permissions import Permission, Role
from warranty_desk.services import shop_settings
from warranty_desk.services.imports import import_invoices
from warranty_desk.storage.home import Home

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
NATIVE_HEADER = ("invoice_number,sold_on,sku,quantity,unit_price,serials,extension_plan,"
                 "customer_name,customer_phone,customer_email,customer_segment\n")


@pytest.fixture
def window(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """The main window with the counter and Settings, tasks run inline."""
    yield from open_window(demo_home, monkeypatch, [CounterScreen, SettingsScreen])


def _settings(qtbot: Any, win: MainWindow, name: str = "Adam Admin",
              pin: str = "8888") -> SettingsScreen:
    sign_in(qtbot, win, name, pin)
    qtbot.keyClick(win, Qt.Key.Key_F9)
    screen = win.current_screen()
    assert isinstance(screen, SettingsScreen)
    return screen


def _count(win: MainWindow, table: str) -> int:
    conn = sqlite3.connect(win.ctx.db.path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _text(view: QTableView, row: int, column: int) -> str:
    """A cell's words, read through the view's model."""
    return str(view.model().index(row, column).data())


def _press_space_on(qtbot: Any, view: QTableView, row: int, column: int) -> None:
    """Tick or untick a cell the way a person does from the keyboard."""
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, column))
    qtbot.keyClick(view, Qt.Key.Key_Space)


def _type(qtbot: Any, field: Any, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def test_a_changed_shop_phone_is_saved(qtbot: Any, window: MainWindow) -> None:
    screen = _settings(qtbot, window)
    tab = screen.shop
    assert screen.tabs.currentWidget() is tab and tab.name.text()
    assert tab.branch_code.isReadOnly()  # the demo shop has handed out numbers
    _type(qtbot, tab.phone, "+44 113 496 0000")
    tab.save_button.click()
    assert shop_settings.get_shop(window.ctx.db).phone == "+44 113 496 0000"
    assert window.notice.text() == "Shop details saved."


def test_a_bad_currency_is_refused_in_plain_words(qtbot: Any, window: MainWindow) -> None:
    tab = _settings(qtbot, window).shop
    _type(qtbot, tab.currency, "XX")
    tab.save_button.click()
    assert "3-letter currency code" in window.notice.text()
    assert shop_settings.get_shop(window.ctx.db).currency != "XX"


def test_a_new_staff_member_can_sign_in_after_the_counter_is_locked(
    qtbot: Any, window: MainWindow
) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.staff)
    tab = screen.staff
    assert "Sam Sales" in [p.name for p in tab.people]
    _type(qtbot, tab.name, "Nina Newstart")
    tab.role.setCurrentIndex(tab.role.findData(Role.TECHNICIAN))
    _type(qtbot, tab.pin, "2468")
    _type(qtbot, tab.pin_again, "2468")
    tab.add_button.click()
    assert "Nina Newstart can now sign in" in window.notice.text()
    assert "Nina Newstart" in [p.name for p in tab.people]
    window.lock()
    sign_in(qtbot, window, "Nina Newstart", "2468")
    assert window.pages.currentWidget() is window.work
    assert "Nina Newstart (Technician)" in window.who.text()


def test_a_reset_pin_lets_the_person_sign_in_with_the_new_one(
    qtbot: Any, window: MainWindow
) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.staff)
    tab = screen.staff
    tab.select("Sam Sales")
    _type(qtbot, tab.new_pin, "135790")
    _type(qtbot, tab.new_pin_again, "135790")
    tab.reset_button.click()
    window.lock()
    sign_in(qtbot, window, "Sam Sales", "135790")
    assert "Sam Sales" in window.who.text()


def test_a_switched_off_account_leaves_the_sign_in_list(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.staff)
    tab = screen.staff
    monkeypatch.setattr(tab, "confirm", lambda _question: True)
    tab.select("Kim Store")
    tab.deactivate_button.click()
    assert [p.active for p in tab.people if p.name == "Kim Store"] == [False]
    window.lock()
    names = [window.sign_in.names.item(n).text() for n in range(window.sign_in.names.count())]
    assert not any(n.startswith("Kim Store") for n in names)


def test_a_products_file_with_bad_rows_shows_every_one_and_adds_nothing(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.products)
    tab = screen.products
    shown = tab.table.model().rowCount()
    path = tmp_path / "products.csv"
    path.write_text("sku,name,brand,category,policy,list_price\n"
                    "NEW-KTL,New Kettle,Kettlo,small appliances,Appliances 24,29.00\n"
                    "LUM-14-LT,Same SKU again,Lumen,laptops,Electronics 12+12,899.00\n"
                    "NEW-TV,New TV,Vista,tvs,Gold Cover,abc\n", "utf-8")
    before = _count(window, "products")
    _type(qtbot, tab.path, str(path))
    tab.import_button.click()
    assert tab.problems.isVisible()
    assert [(row, column) for row, column, _ in tab.problems.rows()] == [
        ("3", "sku"), ("4", "policy"), ("4", "list_price")]
    assert "3 problems" in tab.problems.count.text()
    assert "Gold Cover" in tab.problems.rows()[1][2]
    assert _count(window, "products") == before and tab.table.model().rowCount() == shown


def test_a_good_products_file_adds_them_to_the_list(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.products)
    tab = screen.products
    path = tmp_path / "products.csv"
    path.write_text("sku,name,brand,category,policy\n"
                    "NEW-KTL,New Kettle,Kettlo,small appliances,Appliances 24\n", "utf-8")
    _type(qtbot, tab.path, str(path))
    tab.import_button.click()
    assert window.notice.text() == "Added 1 product."
    _type(qtbot, tab.search, "new kettle")
    assert tab.table.model().rowCount() == 1 and _text(tab.table, 0, 0) == "NEW-KTL"


def test_a_policy_change_made_in_the_form_is_saved(qtbot: Any, window: MainWindow) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.policies)
    tab = screen.policies
    names = [p.name for p in tab.policies]
    tab.list.setCurrentRow(names.index("Accessories 6"))
    assert tab.name.text() == "Accessories 6"
    tab.shop_months.setValue(6)
    assert tab.evidence_model.required() == {}
    _press_space_on(qtbot, tab.evidence, 0, 0)  # proof of purchase, for a fault
    tab.save_button.click()
    saved = next(p for p in shop_settings.list_policies(window.ctx.db)
                 if p.name == "Accessories 6")
    assert saved.shop_months == 6
    assert saved.evidence_required == {"fault": ("proof_of_purchase",)}


def test_a_policy_starts_online_cover_on_delivery_chosen_by_keys_and_tells_head_office(
        qtbot: Any, window: MainWindow) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.policies)
    tab = screen.policies
    tab.list.setCurrentRow([p.name for p in tab.policies].index("Accessories 6"))
    assert tab.online_cover.currentText() == "on the order date"
    tab.online_cover.setFocus()
    qtbot.keyClick(tab.online_cover, Qt.Key.Key_Down)
    assert tab.online_cover.currentText() == "on delivery"
    tab.save_button.click()
    saved = next(p for p in shop_settings.list_policies(window.ctx.db)
                 if p.name == "Accessories 6")
    assert saved.online_cover_from == "delivery"
    (payload,) = db_rows(window, "SELECT payload FROM outbox_events WHERE topic = "
                                 "'catalogue.policy_updated' ORDER BY rowid DESC LIMIT 1")
    assert '"online_cover_from": "delivery"' in payload[0]


def test_unticking_a_plan_takes_it_off_sale(qtbot: Any, window: MainWindow) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.policies)
    tab = screen.policies
    row = [p.name for p in tab.plans].index("Care 12")
    assert _text(tab.plan_table, row, 0) == "on sale"
    _press_space_on(qtbot, tab.plan_table, row, 0)
    assert [p.active for p in shop_settings.list_extension_plans(window.ctx.db)
            if p.name == "Care 12"] == [False]
    assert _text(tab.plan_table, row, 0) == "off sale"
    assert tab.plan_model.index(row, 0).data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Unchecked)


def _pos_file(path: Path, rows: list[str]) -> Path:
    path.write_text(NATIVE_HEADER + "".join(r + "\n" for r in rows), "utf-8")
    return path


def test_a_bad_pos_file_shows_the_error_table_and_a_good_one_imports_with_a_summary(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.imports)
    tab = screen.imports
    bar_seen: list[bool] = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        bar_seen.append(tab.progress.isVisible())
        return import_invoices(*args, **kwargs)

    monkeypatch.setattr("ui.screens.settings_tabs.imports.import_invoices", watched)
    good_row = ("INV-SET-1,2026-11-20,LUM-14-LT,1,899.00,LUM14-SET-0001,,Nora Field,"
                "07700 900123,,retail")
    bad = _pos_file(tmp_path / "bad.csv", [
        good_row.replace("INV-SET-1", "INV-SET-9"),
        "INV-SET-2,2026-11-20,NO-SUCH-SKU,1,10.00,,,Omar Hale,07700 900456,,retail"])
    sales = _count(window, "sales")
    _type(qtbot, tab.path, str(bad))
    tab.import_button.click()
    assert bar_seen == [True] and not tab.progress.isVisible()
    assert tab.problems.isVisible() and not tab.summary.isVisible()
    assert [(row, column) for row, column, _ in tab.problems.rows()] == [("3", "sku")]
    assert "1 problem, so nothing was imported" in tab.problems.count.text()
    assert _count(window, "sales") == sales

    good = _pos_file(tmp_path / "good.csv", [good_row])
    _type(qtbot, tab.path, str(good))
    tab.dry_run_button.click()
    assert not tab.problems.isVisible()
    assert tab.summary.text().startswith("Dry run of good.csv: would add 1 sales")
    assert _count(window, "sales") == sales
    tab.import_button.click()
    assert tab.summary.isVisible()
    assert tab.summary.text() == "Imported good.csv: added 1 sales, 1 warranties, 0 extensions."
    assert _count(window, "sales") == sales + 1
    assert bar_seen == [True, True, True]


def test_a_square_refund_in_the_file_is_listed_under_the_summary_as_plain_text(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.imports)
    tab = screen.imports
    header = (DATA / "square_good.csv").read_text("utf-8").splitlines()[0].split(",")
    rows = []
    for qty, gross, event in (("2", "$1,798.00", "Payment"), ("-1", "-$899.00", "Refund")):
        cells = dict.fromkeys(header, "")
        cells.update({"Date": "2026-11-20", "Time": "10:00:00", "Qty": qty, "SKU": "LUM-14-LT",
                      "Gross Sales": gross, "Net Sales": gross, "Event Type": event,
                      "Transaction ID": "<b>TX-UI</b>", "Payment ID": f"P-{event}"})
        rows.append(",".join(f'"{cells[c]}"' for c in header))
    path = tmp_path / "square.csv"
    path.write_text("\n".join([",".join(header), *rows]) + "\n", "utf-8")
    _type(qtbot, tab.path, str(path))
    tab.dry_run_button.click()
    lines = tab.summary.text().splitlines()
    assert "1 warranties voided by refunds" in lines[0]
    assert lines[1].startswith("• row 3: refund of 1 × LUM-14-LT in <b>TX-UI</b> voided ")
    assert tab.summary.textFormat() == Qt.TextFormat.PlainText


def test_device_settings_save_to_config_toml_and_come_back(
    qtbot: Any, window: MainWindow
) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.devices)
    tab = screen.devices
    tab.enabled.setChecked(True)
    tab.port.setCurrentText("/dev/ttyUSB7")
    tab.baudrate.setCurrentIndex(tab.baudrate.findData(19200))
    tab.parity.setCurrentIndex(tab.parity.findData("E"))
    tab.suffix.setCurrentIndex(tab.suffix.findText("TAB"))
    tab.wedge_max_gap.setValue(25)
    tab.theme.setCurrentIndex(tab.theme.findData("dark"))
    tab.idle_minutes.setValue(9)
    tab.save_button.click()
    assert window.notice.text() == "Device settings saved for this till."
    settings, warning = config.load(window.ctx.home)
    assert warning is None
    assert (settings.theme, settings.idle_minutes) == ("dark", 9)
    assert settings.scanner == config.ScannerSettings(
        enabled=True, port="/dev/ttyUSB7", baudrate=19200, parity="E", suffix="\t",
        wedge_min_length=4, wedge_max_gap_ms=25)
    assert QApplication.instance().property("theme") == "dark"  # type: ignore[union-attr]
    tab.idle_minutes.setValue(30)
    screen.show_tab(screen.shop)
    screen.show_tab(screen.devices)
    assert tab.idle_minutes.value() == 9 and tab.port.currentText() == "/dev/ttyUSB7"
    assert tab.suffix.currentText() == "TAB"


def test_a_damaged_config_file_is_reported_on_the_devices_tab(
    qtbot: Any, window: MainWindow
) -> None:
    window.ctx.home.config.write_text("theme = [", "utf-8")
    screen = _settings(qtbot, window)
    screen.show_tab(screen.devices)
    assert screen.devices.warning.isVisible()
    assert "damaged" in screen.devices.warning.text()


def test_test_scanner_shows_the_next_scan_from_the_port(qtbot: Any, window: MainWindow) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.devices)
    tab = screen.devices
    # A pseudo-terminal stands in for the scanner's port: what is written to one end is read
    # from the other. The scan is sent a moment after the test opens the port, as a person
    # pulls the trigger after pressing Test (opening the port drops what came before).
    scanner_end, port_end = os.openpty()
    scan = threading.Timer(0.5, os.write, (scanner_end, b"LUM14-SCAN-42\r\n"))
    try:
        tab.port.setCurrentText(os.ttyname(port_end))
        tab.suffix.setCurrentIndex(tab.suffix.findText("CRLF"))
        scan.start()
        tab.test_button.click()
        assert tab.test_result.text() == "The scanner works. It read: LUM14-SCAN-42"
        assert tab.test_button.isEnabled()
    finally:
        scan.cancel()
        scan.join()
        os.close(scanner_end)
        os.close(port_end)


def test_test_scanner_on_a_missing_port_says_what_to_check(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    screen = _settings(qtbot, window)
    screen.show_tab(screen.devices)
    tab = screen.devices
    tab.port.setCurrentText(str(tmp_path / "no-such-port"))
    tab.test_button.click()
    assert tab.test_result.text().startswith("Cannot open")
    assert "plugged in" in tab.test_result.text()


def test_sales_staff_do_not_see_settings(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "Sam Sales", "1111")
    entries = [window.nav.item(n).text() for n in range(window.nav.count())]
    assert entries and not any("Settings" in e for e in entries)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    assert not isinstance(window.current_screen(), SettingsScreen)
    assert "not available to your role" in window.notice.text()


def test_a_tab_whose_permission_the_person_lacks_is_hidden(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No demo role holds the settings permission without the import one, so narrow the matrix.
    monkeypatch.setitem(permissions.MATRIX, Permission.IMPORT_INVOICES, frozenset({Role.OWNER}))
    screen = _settings(qtbot, window)
    shown = [screen.tabs.tabText(n) for n in range(screen.tabs.count())
             if screen.tabs.isTabVisible(n)]
    assert shown == ["Shop && branch", "Policies && plans", "Products", "Staff && roles",
                     "Devices", "Sync", "Backups"]
    window.lock()
    screen = _settings(qtbot, window, "Olive Owner", "7777")
    assert screen.tabs.isTabVisible(screen.tabs.indexOf(screen.imports))


def test_the_demo_logo_shows_and_a_new_one_replaces_it(
        qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    from warranty_desk.demo.files import png_bytes

    tab = _settings(qtbot, window).shop
    assert not tab.logo_preview.pixmap().isNull()  # the demo shop has its tick logo
    before = shop_settings.get_shop(window.ctx.db).logo_sha256
    picture = tmp_path / "new-logo.png"
    picture.write_bytes(png_bytes(90, 40, (200, 30, 30), seed=3))
    tab.ask_logo_path = lambda: str(picture)
    tab.logo_button.click()
    after = shop_settings.get_shop(window.ctx.db).logo_sha256
    assert after is not None and after != before
    assert "Logo saved" in window.notice.text()


def test_a_file_that_is_not_a_picture_is_refused_and_the_logo_stays(
        qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    tab = _settings(qtbot, window).shop
    before = shop_settings.get_shop(window.ctx.db).logo_sha256
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"%PDF-1.4 this is a document")
    tab.ask_logo_path = lambda: str(fake)
    tab.logo_button.click()
    assert "not a PNG or JPEG" in window.notice.text()
    assert shop_settings.get_shop(window.ctx.db).logo_sha256 == before
    tab.logo_remove.click()
    assert shop_settings.get_shop(window.ctx.db).logo_sha256 is None
    assert tab.logo_preview.text() == "No logo"


def test_a_device_save_keeps_the_comments_people_wrote_in_config_toml(
    qtbot: Any, window: MainWindow
) -> None:
    home = window.ctx.home
    config.save(home, config.Settings())
    text = home.config.read_text("utf-8").replace(
        "idle_minutes = 5", "# Locks quickly: the till faces the shop floor.\n"
        "idle_minutes = 5  # agreed with the owner")
    home.config.write_text("# Till 2 by the returns desk\n" + text, "utf-8")
    screen = _settings(qtbot, window)
    screen.show_tab(screen.devices)
    idle = screen.devices.idle_minutes
    idle.setFocus()
    qtbot.keyClick(idle, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(idle, "12")
    qtbot.keyClick(idle, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.notice.text() == "Device settings saved for this till."
    after = home.config.read_text("utf-8")
    assert after.startswith("# Till 2 by the returns desk\n")
    assert ("# Locks quickly: the till faces the shop floor.\n"
            "idle_minutes = 12  # agreed with the owner\n") in after
    assert config.load(home).settings.idle_minutes == 12


def test_an_account_locked_for_good_after_wrong_pins_is_unlocked_from_the_staff_tab(
    qtbot: Any, window: MainWindow
) -> None:
    from datetime import timedelta

    from tests.conftest import stand_at
    from warranty_desk.services import staff

    # Someone at the till keeps guessing Sam's PIN each time the lock runs out.
    start = window.ctx.db.clock.now()
    for n, minutes in enumerate((0, 5, 20, 80)):
        stand_at(window.ctx.db, start + timedelta(minutes=minutes))
        for _ in range(staff.MAX_WRONG_PINS):
            sign_in(qtbot, window, "Sam Sales", f"{9000 + n:04d}")
    assert "locked until a manager unlocks the account" in window.sign_in.message.text()
    stand_at(window.ctx.db, start + timedelta(days=2))
    sign_in(qtbot, window, "Sam Sales", "1111")
    assert window.pages.currentWidget() is not window.work  # the right PIN is refused too

    screen = _settings(qtbot, window)
    screen.show_tab(screen.staff)
    tab = screen.staff
    row = [p.name for p in tab.people].index("Sam Sales")
    assert _text(tab.table, row, 2) == "locked until a manager unlocks it"
    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    for _ in range(row):
        qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    assert tab.picked() is not None and tab.picked().name == "Sam Sales"
    assert tab.unlock_button.isEnabled()
    tab.unlock_button.setFocus()
    qtbot.keyClick(tab.unlock_button, Qt.Key.Key_Space)
    assert window.notice.text() == ("Sam Sales's account is unlocked: they can sign in with "
                                    "their PIN again.")
    assert _text(tab.table, row, 2) == "active" and not tab.unlock_button.isEnabled()
    conn = sqlite3.connect(window.ctx.db.path)
    try:
        last = conn.execute("SELECT action, actor_name FROM audit_entries ORDER BY seq DESC "
                            "LIMIT 1").fetchone()
    finally:
        conn.close()
    assert last == ("staff.unlock", "Adam Admin")

    window.lock()
    sign_in(qtbot, window, "Sam Sales", "1111")
    assert window.pages.currentWidget() is window.work and "Sam Sales" in window.who.text()
