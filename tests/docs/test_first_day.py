"""docs/guide/first-day.md walked by keys on a fresh shop folder: the setup's seven steps, the
owner's sign-in, the products, the first sale, its scan at the counter and its slip. The words
the page quotes are read from the page and looked for on the screen, so the two cannot drift."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget

from tests.ui.conftest import open_window
from tests.ui.till import Till
from ui.screens.counter import CounterScreen
from ui.screens.first_run_parts.device_pages import PrinterPage, ScannerPage
from ui.screens.sale import SaleScreen
from ui.screens.settings import SettingsScreen
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.usefixtures("fast_hasher")
PAGE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "first-day.md"
CTRL = Qt.KeyboardModifier.ControlModifier
# What the person types, as the page's examples have it.
SHOP, ADDRESS, BRANCH, BRANCH_NAME = "Corner Electrics", "12 Market Street, Leeds", "LE1", "Leeds"
OWNER, PIN = "Olga Owner", "2468"
INVOICE, PRODUCT, SERIAL = "TILL-0001", "Kettle", "KT2-000123"
CODE = "LE1-W-2026-000001"  # the first warranty code of branch LE1 in 2026 (the tests' year)


def _page_text() -> str:
    """The page with its lines joined: a quote may be wrapped across two lines."""
    return " ".join(PAGE.read_text(encoding="utf-8").split())


def _quoted(words: str) -> str:
    """Words the page says the person sees; the test fails when the page no longer says them."""
    assert words in _page_text(), f"first-day.md no longer says {words!r}"
    return words


def _steps_on_the_page() -> list[str]:
    return re.findall(r"^### (Step \d of \d: .+)$", PAGE.read_text(encoding="utf-8"), re.M)


def _products_csv() -> str:
    found = re.search(r"```csv\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert found, "first-day.md shows the products CSV in a ```csv block"
    return found[1]


@pytest.fixture
def person(qtbot: Any, tmp_path: Path) -> Iterator[Till]:
    for win in open_window(Home(tmp_path / "shop-folder")):
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
        till = Till(qtbot, win)
        till.start_scanners()
        yield till
        till.stop_scanners()


def _tab_to(till: Till, found: Any, most: int = 12) -> QWidget:
    """Tab until the focus is the field a person looks for, as they would."""
    for _ in range(most):
        if found(till.focused):
            return till.focused
        till.press(Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached the field; now on {till.focused!r}")


def _select_all_and_type(till: Till, text: str) -> None:
    till.press(Qt.Key.Key_A, CTRL)
    till.type(text)


def test_the_page_names_the_setup_steps_the_app_has() -> None:
    from warranty_desk.services.first_run import STEPS

    assert len(_steps_on_the_page()) == len(STEPS) == 7


def test_the_first_day_from_an_empty_folder_to_the_first_slip(
        person: Till, tmp_path: Path) -> None:
    till, win = person, person.win
    wizard = win.first_run
    steps = iter(_steps_on_the_page())
    heading = wizard.findChild(QLabel, "heading")
    assert heading is not None
    assert _quoted(heading.text()) == "Welcome to Warranty Desk: setting up the shop"

    def at_step() -> str:
        said = wizard.message.text() if wizard.message.isVisible() else ""
        assert wizard.where.text() == next(steps), said
        return wizard.page.step

    # Step 1: the shop. Name, Tab, address, Enter (the rest as the shop's defaults).
    assert at_step() == "shop"
    till.type(SHOP)
    till.press(Qt.Key.Key_Tab)
    till.type(ADDRESS)
    till.press(Qt.Key.Key_Return)
    # Step 2: the branch; a code against the rule is refused with the rule.
    assert at_step() == "branch"
    _select_all_and_type(till, "le-1")
    till.press(Qt.Key.Key_Return)
    assert wizard.page.step == "branch"
    assert _quoted("2 to 6 capital letters or digits, starting with a letter") in " ".join(
        wizard.message.text().split()).replace(" (A-Z, 0-9),", ",")
    _select_all_and_type(till, BRANCH)
    till.press(Qt.Key.Key_Tab)
    _select_all_and_type(till, BRANCH_NAME)
    till.press(Qt.Key.Key_Return)
    # Step 3: the owner; two PINs that differ are said, then the same PIN twice.
    assert at_step() == "owner"
    till.type(OWNER)
    till.press(Qt.Key.Key_Tab)
    till.type(PIN)
    till.press(Qt.Key.Key_Tab)
    till.type("1357")
    till.press(Qt.Key.Key_Return)
    assert _quoted("The two PINs differ") in wizard.message.text()
    till.press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    till.type(PIN)
    till.press(Qt.Key.Key_Tab)
    till.type(PIN)
    till.press(Qt.Key.Key_Return)
    # Step 4: the presets the page lists, kept as they are.
    assert at_step() == "policies"
    names = [row.name.text() for row in wizard.page.rows]  # type: ignore[attr-defined]
    for name, months in zip(names, ("12", "24", "12"), strict=True):
        assert _quoted(f"{name}, {months} months")
    till.press(Qt.Key.Key_Return)
    # Step 5: a scan shows what was sent and what it reads as; Enter goes on.
    assert at_step() == "scanner"
    scanner = wizard.page
    assert isinstance(scanner, ScannerPage)
    till.scan(SERIAL)
    assert scanner.sent.text() == SERIAL
    assert scanner.reads_as.text() == _quoted("A serial number")
    assert wizard.page is scanner  # the scanner's own Enter stays on the step
    till.press(Qt.Key.Key_Return)
    # Step 6: the printer is a file here; the test page goes to it.
    assert at_step() == "printer"
    printer = wizard.page
    assert isinstance(printer, PrinterPage)
    receipt = tmp_path / "receipt.bin"
    till.type(str(receipt))
    till.press(Qt.Key.Key_Tab)  # paper width
    till.press(Qt.Key.Key_Tab)  # Print a test page
    till.press(Qt.Key.Key_Space)
    assert printer.outcome.text().startswith(_quoted("The test page went to"))
    assert b"TEST PRINT" in receipt.read_bytes()
    till.press(Qt.Key.Key_Return)
    # Step 7: working alone, with the shop's own mail server and its From address.
    assert at_step() == "head_office"
    till.press(Qt.Key.Key_Down)  # Work alone
    till.press(Qt.Key.Key_Tab)
    till.type("smtp.example.com")
    _tab_to(till, lambda w: isinstance(w, QLineEdit) and w.objectName() == "setupMailFrom")
    till.type("repairs@example.com")
    till.press(Qt.Key.Key_Return)

    # Sign in as the owner: the letter beside the name, the PIN, Enter.
    assert win.pages.currentWidget() is win.sign_in, wizard.message.text()
    sign_in_heading = win.sign_in.findChild(QLabel, "heading")
    assert sign_in_heading is not None
    assert sign_in_heading.text() == _quoted(f"{SHOP} · {BRANCH}")
    letter = win.sign_in.names.keys[0]
    till.press(getattr(Qt.Key, f"Key_{letter}"))
    till.type(PIN)
    till.press(Qt.Key.Key_Return)
    assert win.ctx.actor is not None and win.ctx.actor.name == OWNER
    assert win.notice.text().startswith(_quoted("Welcome, "))
    assert isinstance(win.current_screen(), CounterScreen)

    # The products: F9, Ctrl+Tab to Products, the CSV's path, Add products from file.
    products = tmp_path / "products.csv"
    products.write_text(_products_csv(), encoding="utf-8")
    till.press(Qt.Key.Key_F9)
    settings = win.current_screen()
    assert isinstance(settings, SettingsScreen)
    while settings.tabs.currentWidget() is not settings.products:
        till.press(Qt.Key.Key_Tab, CTRL)
    _tab_to(till, lambda w: isinstance(w, QLineEdit)
            and w.placeholderText() == _quoted("Products CSV file"))
    till.type(str(products))
    button = _tab_to(till, lambda w: w is settings.products.import_button)
    assert _quoted(settings.products.import_button.text()) == "Add products from file"
    till.press(Qt.Key.Key_Space)
    assert button.isEnabled()
    assert win.notice.text() == _quoted("Added 1 product.")

    # The first sale, by hand: F3, the invoice number, the product, one unit, the serial.
    till.press(Qt.Key.Key_F3)
    sale = win.current_screen()
    assert isinstance(sale, SaleScreen) and sale.invoice.hasFocus()
    till.type(INVOICE)
    till.press(Qt.Key.Key_Return)
    assert _quoted("is not among the imported sales, so it is entered here by hand") in (
        sale.message.text())
    assert sale.search.hasFocus()
    till.type(PRODUCT)
    till.press(Qt.Key.Key_Return)
    till.press(Qt.Key.Key_Return)
    till.scan(SERIAL)
    assert sale.finish_button.hasFocus(), sale.message.text()
    till.press(Qt.Key.Key_Return)
    assert sale.stack.currentWidget() is sale.done_page, sale.message.text()
    assert sale.done_title.text() == _quoted(f"Invoice {INVOICE}: 1 warranty activated")
    assert _quoted(CODE)
    assert sale.slip_note.text() == _quoted(
        f"Printed 1 warranty slip: {CODE}. Hand them to the customer.")
    first_slip = receipt.read_bytes()
    assert CODE.encode() in first_slip and b"COPY" not in first_slip  # printed at once

    # At the counter: the serial scanned is in cover; Ctrl+P prints the slip again, a copy.
    till.press(Qt.Key.Key_F2)
    counter = win.current_screen()
    assert isinstance(counter, CounterScreen)
    till.scan(SERIAL)
    assert _quoted("IN COVER") in counter.card.word.text()
    till.press(Qt.Key.Key_P, CTRL)
    assert win.notice.text().startswith(
        _quoted(f"Saved the warranty slip for {CODE} (copy) to")), win.notice.text()
    copy = receipt.read_bytes()  # a printer that is a file holds the last print
    assert CODE.encode() in copy and b"COPY" in copy
