"""The first-run setup driven by keys as a shop would: Enter on, Esc back, Tab between fields,
a keyboard-wedge scan for the scanner test, and a setup closed half-way that resumes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.liveportal.branch_view import BranchPortal
from tests.ui.conftest import db_rows, open_window, type_into
from tests.ui.till import PERSON_PAUSE_MS, Till
from ui.main_window import MainWindow
from ui.screens.first_run import FirstRunScreen
from ui.screens.first_run_parts.device_pages import PrinterPage, ScannerPage
from ui.screens.first_run_parts.shop_pages import ShopPage
from warranty_desk import config
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.usefixtures("fast_hasher")
HOSTILE_NAME = "<b>Ünïcode</b> & Söhne — " + "Elektro " * 20


@pytest.fixture
def fresh(tmp_path: Path) -> Home:
    return Home(tmp_path / "fresh")


@pytest.fixture
def setup_till(qtbot: Any, fresh: Home) -> Iterator[Till]:
    for win in open_window(fresh):
        win.activateWindow()
        person = Till(qtbot, win)
        person.start_scanners()
        yield person
        person.stop_scanners()


def _ready(qtbot: Any, win: MainWindow) -> Till:
    """The window in front with the setup's first field focused, as a person finds it."""
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
    return Till(qtbot, win)


def _at_step(qtbot: Any, win: MainWindow, step: str) -> Till:
    """The setup resumed at a later step, the owner's account made (as a setup left there)."""
    from warranty_desk.services import first_run

    first_run.save_owner(win.ctx.db, "Nora", "2468", "2468")
    first_run.keep_draft(win.ctx.db, step, {})
    win.first_run.refresh()
    return _ready(qtbot, win)


def _wizard(win: MainWindow) -> FirstRunScreen:
    assert win.pages.currentWidget() is win.first_run
    return win.first_run


def _step(win: MainWindow) -> str:
    return _wizard(win).page.step


def _said(win: MainWindow) -> str:
    message = _wizard(win).message
    return message.text() if message.isVisible() else ""


def _type_any(till: Till, text: str) -> None:
    """Type any text (QTest knows only ASCII) at a person's pace: the wedge filter gives a
    fast burst back as typing once no Enter or Tab follows it in time."""
    field = till.focused
    assert isinstance(field, QLineEdit)
    type_into(field, text)
    till.qtbot.waitUntil(lambda: text in field.text(), timeout=3000)
    till.qtbot.wait(PERSON_PAUSE_MS)


def _retype(till: Till, text: str) -> None:
    till.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    till.type(text)


def _logo(path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (240, 80), (20, 20, 160)).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def test_a_new_shop_is_set_up_by_keys_alone_and_then_the_owner_signs_in(
        setup_till: Till, fresh: Home, tmp_path: Path) -> None:
    till, win = setup_till, setup_till.win
    wizard = _wizard(win)
    assert wizard.where.text() == "Step 1 of 7: The shop"
    shop_page = wizard.page
    assert isinstance(shop_page, ShopPage)
    shop_page.ask_logo_path = lambda: str(_logo(tmp_path / "logo.png"))
    # The shop: markup, non-Latin and long text are kept as typed and shown as plain text.
    assert till.focused is shop_page.name
    _type_any(till, HOSTILE_NAME)
    till.press(Qt.Key.Key_Tab)
    till.type("12 Market Street, Leeds")
    till.press(Qt.Key.Key_Tab)
    till.press(Qt.Key.Key_Space)  # Choose logo…
    assert "logo.png" in shop_page.logo_name.text()
    assert shop_page.logo_preview.pixmap().height() == 32
    till.press(Qt.Key.Key_Tab)
    _retype(till, "de_DE")
    till.press(Qt.Key.Key_Tab)
    _retype(till, "EUR")
    till.press(Qt.Key.Key_Tab)
    _retype(till, "Europe/Berlin")
    till.press(Qt.Key.Key_Return)
    assert _step(win) == "branch" and wizard.where.text() == "Step 2 of 7: The branch"
    # The branch code: a wrong one says what is allowed and keeps the setup on the step.
    _retype(till, "b-1")
    till.press(Qt.Key.Key_Return)
    assert _step(win) == "branch"
    assert "must be 2 to 6 capital letters or digits" in _said(win)
    _retype(till, "le1")
    till.press(Qt.Key.Key_Tab)
    _retype(till, "Leeds")
    till.press(Qt.Key.Key_Return)
    assert _step(win) == "owner"
    # The owner: the PIN twice, alike.
    _type_any(till, "Ольга Ковальчук")
    till.press(Qt.Key.Key_Tab)
    till.type("2468")
    till.press(Qt.Key.Key_Tab)
    till.type("2469")
    till.press(Qt.Key.Key_Return)
    assert "two PINs differ" in _said(win) and _step(win) == "owner"
    till.press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    till.type("2468")
    till.press(Qt.Key.Key_Tab)
    till.type("2468")
    till.press(Qt.Key.Key_Return)
    assert _step(win) == "policies"
    # Policies: untick Phones' neighbour (Large appliances) and change Electronics' months.
    till.press(Qt.Key.Key_Tab)  # Electronics' name
    till.press(Qt.Key.Key_Tab)  # its months
    _retype(till, "18")
    for _ in range(3):  # not covered, terms, then Large appliances' tick
        till.press(Qt.Key.Key_Tab)
    till.press(Qt.Key.Key_Space)
    till.press(Qt.Key.Key_Return)
    assert _step(win) == "scanner"
    # The scanner: a keyboard-wedge burst at scanner speed, shown with what it reads as.
    page = _wizard(win).page
    assert isinstance(page, ScannerPage)
    till.scan("INV-2026-0042")
    assert page.sent.text() == "INV-2026-0042"
    assert page.reads_as.text().startswith("An invoice number")
    assert _step(win) == "scanner"  # the scanner's own Enter did not leave the step
    till.press(Qt.Key.Key_Return)
    assert _step(win) == "printer"
    # The printer: a test page through the real printer path, to a file here.
    printer = _wizard(win).page
    assert isinstance(printer, PrinterPage)
    target = tmp_path / "receipt.bin"
    till.type(str(target))
    till.press(Qt.Key.Key_Tab)  # paper width
    till.press(Qt.Key.Key_Tab)  # Print a test page
    till.press(Qt.Key.Key_Space)
    assert b"TEST PRINT" in target.read_bytes()
    assert "The test page went to" in printer.outcome.text()
    assert till.focused is printer.target
    till.press(Qt.Key.Key_Return)
    assert _step(win) == "head_office", _said(win)
    # Working alone: the shop's own mail server.
    till.press(Qt.Key.Key_Down)  # from "With head office" to "Work alone"
    till.press(Qt.Key.Key_Tab)
    till.type("smtp.example.com")
    till.press(Qt.Key.Key_Return)
    assert "From address" in _said(win) and _step(win) == "head_office"
    for _ in range(5):  # port, security, user, password, From
        till.press(Qt.Key.Key_Tab)
    till.type("repairs@example.com")
    till.press(Qt.Key.Key_Return)

    assert win.pages.currentWidget() is win.sign_in
    # The counter formats and numbers by the shop the setup made, at once.
    assert (win.ctx.shop.branch_code, win.ctx.shop.currency, win.ctx.shop.locale) == (
        "LE1", "EUR", "de_DE")
    listed = [win.sign_in.names.item(i).text() for i in range(win.sign_in.names.count())]
    assert len(listed) == 1 and "Ольга Ковальчук    ·    Owner" in listed[0]
    assert db_rows(win, "SELECT name, address, locale, currency, branch_code, branch_name "
                        "FROM shop") == [(" ".join(HOSTILE_NAME.split()),
                                           "12 Market Street, Leeds", "de_DE", "EUR", "LE1",
                                           "Leeds")]
    assert db_rows(win, "SELECT logo_sha256 IS NOT NULL FROM shop") == [(1,)]
    assert sorted(db_rows(win, "SELECT name, manufacturer_months FROM policies")) == [
        ("Electronics", 18), ("Phones", 12)]
    settings = config.load(fresh).settings
    assert settings.sync.messages == "smtp" and settings.sync.portal_url == ""
    assert settings.printers.receipt == str(target)


def test_a_setup_closed_half_way_comes_back_at_the_step_with_what_was_typed(
        qtbot: Any, fresh: Home) -> None:
    for win in open_window(fresh):
        till = _ready(qtbot, win)
        till.type("Corner Shop")
        till.press(Qt.Key.Key_Return)
        assert _step(win) == "branch"
        _retype(till, "CS7")
        till.press(Qt.Key.Key_Escape)  # back to the shop: the code typed is kept
        assert _step(win) == "shop"
        assert _wizard(win).page.first_field() is till.focused
        till.press(Qt.Key.Key_Return)
        till.press(Qt.Key.Key_Tab)
        _retype(till, "Cornerstone")
        # Closed here, without pressing Enter.
    for win in open_window(fresh):
        assert _step(win) == "branch"
        page = _wizard(win).page
        assert [f.text() for f in page.findChildren(QLineEdit)] == ["CS7", "Cornerstone"]
        assert _wizard(win).steps[0].name.text() == "Corner Shop"


def test_a_printer_that_fails_says_why_in_plain_words_and_the_test_can_be_skipped(
        qtbot: Any, fresh: Home, tmp_path: Path) -> None:
    from warranty_desk.services import first_run

    for win in open_window(fresh):
        db = win.ctx.db
        till = _at_step(qtbot, win, "printer")
        assert _step(win) == "printer"
        till.type(str(tmp_path / "no such folder" / "lp0"))
        till.press(Qt.Key.Key_Tab)
        till.press(Qt.Key.Key_Tab)
        till.press(Qt.Key.Key_Space)
        page = _wizard(win).page
        assert isinstance(page, PrinterPage)
        said = page.outcome.text()
        assert said.startswith("The test page did not print:") and "skip this test" in said
        skip = _wizard(win).skip_button
        assert skip.isVisible()
        skip.setFocus()
        till.press(Qt.Key.Key_Return)
        assert _step(win) == "head_office"
        assert first_run.progress(db).draft("printer") == {"result": "skipped"}
        assert config.load(fresh).settings.printers.receipt == ""


def test_head_office_that_cannot_be_reached_is_said_plainly_and_nothing_finishes(
        qtbot: Any, fresh: Home) -> None:
    from warranty_desk.services import first_run

    for win in open_window(fresh):
        db = win.ctx.db
        till = _at_step(qtbot, win, "head_office")
        till.press(Qt.Key.Key_Tab)  # the portal address (Tab leaves the pair of choices)
        till.type("http://127.0.0.1:9/api/v1")
        till.press(Qt.Key.Key_Return)
        assert "sync token" in _said(win)
        till.press(Qt.Key.Key_Tab)
        till.type("tok-123")
        till.press(Qt.Key.Key_Return)
        assert _said(win) == ("Could not reach the portal at 127.0.0.1:9: no network, or the "
                              "server is down.")
        assert _step(win) == "head_office" and not first_run.progress(db).finished
        assert config.load(fresh).settings.sync.portal_url == ""
        assert QApplication.focusWidget() is not None


def test_head_office_that_answers_stores_the_token_and_address_and_ends_the_setup(
        qtbot: Any, fresh: Home, portal: BranchPortal) -> None:
    from sync import secrets
    from warranty_desk.services import first_run

    # The real portal, served on loopback, with the branch head office registered for BR01.
    for win in open_window(fresh):
        db = win.ctx.db
        till = _at_step(qtbot, win, "head_office")
        till.press(Qt.Key.Key_Tab)
        till.type(portal.url)
        till.press(Qt.Key.Key_Tab)
        till.type(portal.token)
        till.press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda w=win: w.pages.currentWidget() is w.sign_in, timeout=20_000)
        stored = secrets.get_secret(fresh, secrets.PORTAL_TOKEN)
        assert stored == portal.token
        assert config.load(fresh).settings.sync.portal_url == portal.url
        assert portal.token not in str(first_run.progress(db).drafts)


def test_a_file_that_is_no_logo_is_said_on_enter_and_the_shop_stays_unsaved(
        qtbot: Any, fresh: Home, tmp_path: Path) -> None:
    notes = tmp_path / "logo.png"
    notes.write_text("not a picture")
    for win in open_window(fresh):
        till = _ready(qtbot, win)
        page = _wizard(win).page
        assert isinstance(page, ShopPage)
        page.ask_logo_path = lambda: str(notes)
        till.type("Corner Shop")
        page.logo_button.click()
        till.press(Qt.Key.Key_Return)
        assert _said(win) == ("logo.png is not a PNG or JPEG picture. Save the logo as PNG or "
                              "JPEG and pick it.")
        assert _step(win) == "shop"
        assert db_rows(win, "SELECT name, logo_sha256 FROM shop") == [("My Shop", None)]


def test_a_code_typed_at_a_persons_pace_is_tested_by_enter_and_the_next_enter_goes_on(
        qtbot: Any, fresh: Home) -> None:
    from warranty_desk.services import first_run

    for win in open_window(fresh):
        till = _at_step(qtbot, win, "scanner")
        page = _wizard(win).page
        assert isinstance(page, ScannerPage)
        till.type("SN-4471-XK")
        till.press(Qt.Key.Key_Return)
        assert (page.sent.text(), page.reads_as.text()) == ("SN-4471-XK", "A serial number")
        assert page.scan_box.text() == "" and _step(win) == "scanner"
        till.press(Qt.Key.Key_Return)
        assert _step(win) == "printer"
        assert first_run.progress(win.ctx.db).draft("scanner") == {
            "result": "SN-4471-XK read as a serial number"}


def test_a_shop_set_up_before_opens_at_sign_in_without_building_the_setup(
        window: MainWindow) -> None:
    assert window.pages.currentWidget() is window.sign_in
    assert window.first_run.steps == []


def test_the_currency_follows_the_locale_until_the_person_picks_one(
        qtbot: Any, fresh: Home) -> None:
    # A new shop started on EUR whatever its locale: a British shop had to notice and fix it.
    for win in open_window(fresh):
        till = _ready(qtbot, win)
        page = _wizard(win).page
        assert isinstance(page, ShopPage)
        assert (page.locale_box.currentText(), page.currency.currentText()) == ("en_GB", "GBP")
        page.locale_box.setFocus()
        page.locale_box.lineEdit().selectAll()
        till.type("de_DE")
        assert page.currency.currentText() == "EUR"
        page.currency.setFocus()
        page.currency.lineEdit().selectAll()
        till.type("USD")
        page.locale_box.setFocus()
        page.locale_box.lineEdit().selectAll()
        till.type("ja_JP")
        assert page.currency.currentText() == "USD"  # the person's choice stays


def test_after_work_alone_the_status_bar_says_working_alone_not_online_waiting(
        qtbot: Any, fresh: Home) -> None:
    from tests.ui.conftest import sign_in
    from ui.screens.sync_panel import SyncPanelScreen
    from warranty_desk.policy_presets import load_policy_presets
    from warranty_desk.services import first_run

    for win in open_window(fresh):
        # The presets' policies made, as the policies step makes them: their events are for
        # a head office this shop does not have, and the status bar counted them as waiting.
        first_run.save_policies(win.ctx.db, load_policy_presets())
        till = _at_step(qtbot, win, "head_office")
        till.press(Qt.Key.Key_Down)  # from "With head office" to "Work alone"
        till.press(Qt.Key.Key_Tab)
        till.type("smtp.example.com")
        for _ in range(5):  # port, security, user, password, From
            till.press(Qt.Key.Key_Tab)
        till.type("repairs@example.com")
        till.press(Qt.Key.Key_Return)
        assert win.pages.currentWidget() is win.sign_in, _said(win)
        assert db_rows(win, "SELECT count(*) FROM outbox_events")[0][0] > 0
        sign_in(qtbot, win, "Nora", "2468")
        indicator = win.sync_status

        def counted(shown: Any = indicator) -> bool:
            return bool(shown.isVisible() and shown.state.snapshot is not None)

        qtbot.waitUntil(counted, timeout=3000)
        # Nothing here is meant for the mail server yet, and there is no head office.
        assert indicator.text() == "Working alone  (F10)"
        assert "waiting" not in indicator.text() and "Online" not in indicator.text()
        assert "own mail server" in indicator.toolTip()
        # The Sync panel (F10) speaks of the messages, not of record changes for head office.
        till.press(Qt.Key.Key_F10)
        panel = win.current_screen()
        assert isinstance(panel, SyncPanelScreen)

        def summed_up(shown: SyncPanelScreen = panel) -> bool:
            return "Every message" in shown.summary.text()

        qtbot.waitUntil(summed_up, timeout=3000)
        assert "record change" not in panel.summary.text()
