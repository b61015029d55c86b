"""An online return at the till, by keys: approved on the claim screen, its label scanned in at
the returns desk, then it moves on as any counter claim."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import db_rows, open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claim_detail_parts.facts import fact_rows
from ui.screens.returns_desk import ReturnsDeskScreen
from warranty_desk.services import inbox
from warranty_desk.services.inbox import InboxItemInput
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

CUSTOMER = {"name": "Nell Online", "email": "nell.online@example.org"}


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch, [ClaimDetailScreen, ReturnsDeskScreen])


def _fact(screen: ClaimDetailScreen, name: str) -> str:
    return dict(fact_rows(screen.detail))[name] if screen.detail else ""


def _no_documents(sha256: str) -> bytes:
    raise AssertionError(f"no document was asked for, yet {sha256} was")


def _online_return(win: MainWindow) -> str:
    """A web order pulled from head office, and the customer's return of it asked online."""
    store = DocumentStore(win.ctx.home.documents)
    for item_id, kind, payload in (
        ("order-web-77", "online_order", {
            "order_number": "WEB-77", "sold_on": "2026-11-20", "customer": CUSTOMER,
            "lines": [{"sku": "LUM-14-LT", "quantity": 1, "unit_price_minor": 79_900,
                       "serials": ["SN-WEB-77"]}]}),
        ("web-return-77", "claim_started", {
            "warranty_code": "", "serial": "SN-WEB-77", "fault": "Screen stays black",
            "customer": CUSTOMER, "return": {"outcome": "replace"}})):
        done = inbox.apply_item(win.ctx.db, InboxItemInput(item_id, kind, payload),
                                documents=store, fetch_document=_no_documents)
        assert done.status == "applied", done.result
    return str(db_rows(win, "SELECT number FROM claims WHERE external_ref = 'web-return-77'"
                       )[0][0])


def test_support_approves_the_return_and_the_scanned_label_takes_the_unit_in(
    qtbot: Any, win: MainWindow,
) -> None:
    number = _online_return(win)
    sign_in(qtbot, win, "Sam Sales", "1111")
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen)
    # Sales may not approve a return: no button, and the key does nothing.
    assert not screen.approve_return_button.isVisible()
    qtbot.keyClick(screen, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert db_rows(win, "SELECT return_approved_at FROM claims WHERE number = ?", number) == [
        (None,)]

    sign_in(qtbot, win, "Sue Support", "4444")
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen)
    assert screen.approve_return_button.isVisible()
    assert _fact(screen, "Channel") == ("Online return  (waiting for approval, then for the "
                                        "unit)")
    qtbot.keyClick(screen, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not screen.approve_return_button.isVisible())
    assert f"Return of claim {number} approved" in win.notice.text()
    assert _fact(screen, "Channel") == ("Online return  (approved, label sent: waiting for "
                                        "the unit)")
    assert db_rows(win, "SELECT count(*) FROM outbox_events WHERE topic = "
                        "'claim.return_approved'") == [(1,)]
    # Until the unit is in, the claim cannot be reviewed: the rule says why.
    assert screen.detail is not None
    [review] = [m for m in screen.detail.moves if m.target == "reviewing"]
    assert not review.allowed and "has not arrived yet" in " ".join(review.blockers)

    # The parcel comes: Kim scans the label's barcode (the claim number) at scanner speed.
    sign_in(qtbot, win, "Kim Store", "2222")
    desk = win.show_screen(ReturnsDeskScreen)
    assert isinstance(desk, ReturnsDeskScreen)
    qtbot.keyClicks(desk.field, number)
    qtbot.keyClick(desk.field, Qt.Key.Key_Return)
    assert desk.banner.word.text() == "✔  RECEIVED"
    assert number in desk.banner.detail.text()
    assert db_rows(win, "SELECT count(*) FROM stock_movements m JOIN claims c "
                        "ON c.id = m.claim_id WHERE c.number = ? AND m.kind = 'return_in'",
                   number) == [(1,)]

    # The claim goes on as any counter claim: support moves it to review.
    sign_in(qtbot, win, "Sue Support", "4444")
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen)
    assert "reviewing" in screen.move_buttons
    screen.move_buttons["reviewing"].click()
    qtbot.waitUntil(lambda: db_rows(win, "SELECT state FROM claims WHERE number = ?",
                                    number) == [("reviewing",)])
