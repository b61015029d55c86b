"""Words from people, scanners, files and the network show as plain text on every screen.

A customer named "<b>Eve</b>" is shown as those ten characters, never in bold; a scanned
'<h1 style="color:red">HELLO</h1>' never paints big red letters. The walk fills every screen
with such data and checks each label, table cell, list item and tooltip on the way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QTextEdit, QToolTip, QWidget

from tests.conftest import pinned_clock
from tests.ui import hostile_data as h
from tests.ui.conftest import open_window
from tests.ui.widget_text import words
from ui.main_window import MainWindow
from warranty_desk.services import staff
from warranty_desk.storage.home import Home

UI = Path(__file__).resolve().parents[2] / "ui"


def _as_drawn(text: str) -> str:
    """What a label or tooltip in Qt's default AutoText shows: HTML-looking text as HTML."""
    if not QtGui.Qt.mightBeRichText(text):
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def markup_problems(top: QWidget) -> list[str]:
    """Every label under `top` that would read data as markup (form captions included)."""
    problems = [f"label {label.text()[:60]!r} ({label.objectName()}) is not plain text"
                for label in top.findChildren(QLabel)
                if label.textFormat() is not Qt.TextFormat.PlainText]
    problems += [f"a rich text box {edit.objectName()!r}: use QPlainTextEdit"
                 for edit in top.findChildren(QTextEdit)]
    return problems


@pytest.fixture
def hostile(qapp: QApplication, demo_home: Home) -> Iterator[tuple[MainWindow, h.Hostile]]:
    from warranty_desk.services import setup

    db, _ = setup.init(demo_home, clock=pinned_clock())
    made = h.add_hostile_records(db)
    db.dispose()
    for win in open_window(demo_home):
        yield win, made


def _check(top: QWidget, *must_show: str) -> None:
    QApplication.processEvents()  # rows added to a shown page appear on the next turn
    assert markup_problems(top) == []
    text = words(top, shown_only=True)
    for data in must_show:
        assert data in text, f"{data!r} is not shown as typed"


def test_markup_from_a_scan_or_a_customer_shows_as_the_characters_typed(
    hostile: tuple[MainWindow, h.Hostile]
) -> None:
    win, made = hostile
    _check(win.sign_in, h.STAFF)
    win.sign_in.signed_in.emit(staff.sign_in(win.ctx.db, "Olive Owner", "7777"))
    counter = win.current_screen()
    assert counter is not None
    counter.handle_scan(h.SCAN)
    assert h.SCAN in counter.card.detail.text()  # type: ignore[attr-defined]
    _check(win, h.SCAN)
    counter.handle_scan(made.serial)
    _check(win, h.CUSTOMER, made.warranty_code)
    verdict = counter.card.verdict  # type: ignore[attr-defined]

    customer = win.show_screen("CustomerScreen")
    assert customer is not None
    customer.open(made.customer_reference)
    for n in range(customer.tabs.count()):  # type: ignore[attr-defined]
        customer.tabs.setCurrentIndex(n)  # type: ignore[attr-defined]
        _check(win, h.CUSTOMER)
    _check(win, h.COMPLAINT)

    board = win.show_screen("ClaimsBoardScreen")
    assert board is not None
    board.handle_scan(made.serial)
    _check(win, h.CUSTOMER, made.claim_number)

    win.ctx.navigate.emit("ClaimDetailScreen", made.claim_number)
    detail = win.current_screen()
    assert detail is not None
    for n in range(detail.tabs.count()):  # type: ignore[attr-defined]
        detail.tabs.setCurrentIndex(n)  # type: ignore[attr-defined]
        _check(win, h.CUSTOMER, h.FAULT, h.LONG, h.QUOTED)

    win.ctx.navigate.emit("StartClaimScreen", verdict)
    _check(win, h.CUSTOMER)
    win.ctx.navigate.emit("ExtensionScreen", verdict)
    _check(win, h.CUSTOMER)

    desk = win.show_screen("ReturnsDeskScreen")
    assert desk is not None
    desk.handle_scan(made.claim_number)
    _check(win, made.claim_number)

    settings = win.show_screen("SettingsScreen")
    assert settings is not None
    settings.show_tab(settings.staff)  # type: ignore[attr-defined]
    _check(win, h.STAFF)


def test_dialogs_show_customer_words_as_typed(hostile: tuple[MainWindow, h.Hostile]) -> None:
    from ui.widgets.decision_dialog import DecisionDialog
    from ui.widgets.override_dialog import OverrideDialog

    win, made = hostile
    win.sign_in.signed_in.emit(staff.sign_in(win.ctx.db, "Olive Owner", "7777"))
    win.ctx.navigate.emit("ClaimDetailScreen", made.claim_number)
    detail: Any = win.current_screen()
    previews = {p.template: p for o in detail.detail.moves for p in o.previews}
    dialog = DecisionDialog(made.claim_number, reject=True, previews=previews, parent=detail)
    dialog.show()
    dialog.reason.setPlainText(h.QUOTED)
    _check(dialog, h.CUSTOMER, h.QUOTED)
    dialog.close()
    override = OverrideDialog(win.ctx, "Moving the claim needs a manager.", h.FAULT, detail)
    override.show()
    _check(override, h.FAULT, h.STAFF)
    override.close()


def test_no_code_asks_a_label_or_text_box_for_markup() -> None:
    """The style makes every label plain; nothing in ui/ may switch one back to markup."""
    made_here = [
        f"{path.relative_to(UI.parent)}:{n}"
        for path in sorted(UI.rglob("*.py")) if path.name != "labels.py"
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if re.search(r"RichText|AutoText|setTextFormat|setHtml\(|QTextEdit\b|QTextBrowser",
                     line)]
    assert made_here == []


def test_a_tooltip_with_markup_shows_the_characters(
    hostile: tuple[MainWindow, h.Hostile]
) -> None:
    """Table cells carry their whole text as a tooltip: Qt's tooltip is a label too."""
    win, made = hostile
    win.sign_in.signed_in.emit(staff.sign_in(win.ctx.db, "Olive Owner", "7777"))
    customer = win.show_screen("CustomerScreen")
    assert customer is not None
    customer.open(made.customer_reference)
    view: Any = customer.complaints.view  # type: ignore[attr-defined]
    column = next(n for n in range(view.model().columnCount())
                  if view.model().headerData(n, Qt.Orientation.Horizontal) == "Complaint")
    tip = view.model().data(view.model().index(0, column), Qt.ItemDataRole.ToolTipRole)
    assert tip == h.COMPLAINT
    QToolTip.showText(view.mapToGlobal(view.rect().center()), tip, view)
    shown = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QLabel) and w.isVisible() and w.text() == tip]
    QToolTip.hideText()
    assert shown and all(w.textFormat() is Qt.TextFormat.PlainText for w in shown)
