"""Walk every screen of the demo shop at a small window size, check for clipping, save PNGs.

Run in its own process so the scale factor can be set before Qt starts:

    QT_QPA_PLATFORM=offscreen QT_SCALE_FACTOR=2 python -m tests.ui.screen_walk /tmp/shots-hidpi

It prints one JSON object: the files written and every problem found. The exit status is 1
when a problem was found, so `tests/ui/test_small_screens.py` can run it at both scales.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QRect, QSize
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QWidget,
)

# Rounding in the style's metrics: a pixel or two short of the hint is not a visible cut.
SLACK = 2
# The themes pad buttons 14 px a side (plus the border): what a default button's text has.
BUTTON_PADDING = 30


def settle(app: QApplication) -> None:
    """Let layouts and deferred shows finish, as a few turns of the event loop would."""
    for _ in range(4):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        app.processEvents()


def _inside_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    return f"{type(widget).__name__}({text[:60]!r})"


def clipping(top: QWidget) -> list[str]:
    """Visible buttons and labels narrower or shorter than their text needs, and pages that
    only fit by scrolling sideways."""
    found = []
    frame = top.rect()
    for area in top.findChildren(QScrollArea):
        bar = area.horizontalScrollBar()
        if area.isVisible() and bar.isVisible() and bar.maximum() > 0:
            inner = area.widget()
            found.append(f"a page ({type(inner).__name__ if inner else 'empty'}) is "
                         f"{bar.maximum()} px wider than its {area.viewport().width()} px")
    # A list's columns that only fit by scrolling sideways hide a column a person needs:
    # Settings > Suppliers hid its packet layouts that way at 1024×768, the claims board was
    # 659 px too wide. Every list is held to it (ui.widgets.column_fit fits them), and named,
    # so a problem says which list it is.
    for table in top.findChildren(QTableView):
        if table.isVisible() and not table.objectName():
            found.append(f"a list with {table.model().columnCount()} columns has no name")
        # The bar counts columns, not pixels, in Qt's default per-item scrolling.
        over = table.horizontalHeader().length() - table.viewport().width()
        if table.isVisible() and table.horizontalScrollBar().isVisible() and over > SLACK:
            found.append(f"a list ({table.objectName() or 'unnamed'}) is {over} px wider "
                         f"than its {table.viewport().width()} px")
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, QLabel | QAbstractButton) or not widget.isVisibleTo(top):
            continue
        if isinstance(widget, QPushButton) and widget.isDefault() and widget.isVisible():
            # The themes make the default button bold through a state Qt leaves out of its
            # size hint: measure the bold text.
            bold = QFont(widget.font())
            bold.setWeight(QFont.Weight.DemiBold)
            need = QFontMetrics(bold).horizontalAdvance(widget.text()) + BUTTON_PADDING
            if need > widget.width() + SLACK:
                found.append(f"{_name(widget)} is {widget.width()} px wide, its bold text "
                             f"needs {need}")
        if not widget.text().strip() if isinstance(widget, QAbstractButton | QLabel) else True:
            continue
        # A widget only counts if every ancestor up to the window is shown too.
        if not widget.isVisible():
            continue
        size = widget.size()
        if isinstance(widget, QLabel) and widget.wordWrap():
            need = widget.heightForWidth(size.width()) if widget.hasHeightForWidth() else 0
            if need > size.height() + SLACK:
                found.append(f"{_name(widget)} is {size.height()} px high, its text needs {need}")
        else:
            hint = widget.minimumSizeHint()
            if hint.width() > size.width() + SLACK:
                found.append(f"{_name(widget)} is {size.width()} px wide, its text needs "
                             f"{hint.width()}")
            if hint.height() > size.height() + SLACK:
                found.append(f"{_name(widget)} is {size.height()} px high, its text needs "
                             f"{hint.height()}")
        if not _inside_scroll_area(widget, top):
            place = QRect(widget.mapTo(top, widget.rect().topLeft()), size)
            if not frame.contains(place):
                found.append(f"{_name(widget)} runs off the window at {place.getRect()}")
    return found


class Walk:
    """The window, where shots go, and what was found."""

    def __init__(self, app: QApplication, window: Any, out: Path) -> None:
        self.app, self.window, self.out = app, window, out
        self.files: list[str] = []
        self.problems: dict[str, list[str]] = {}
        self.count = 0

    def shot(self, name: str, widget: QWidget | None = None) -> None:
        """Check what is shown now and save it as the next numbered PNG."""
        settle(self.app)
        target = widget or self.window
        self.count += 1
        path = self.out / f"{self.count:02d}-{name}.png"
        target.grab().save(str(path))
        self.files.append(str(path))
        found = clipping(target)
        if found:
            self.problems[name] = found


def _one(home: Any, sql: str) -> str:
    conn = sqlite3.connect(home.database)
    try:
        row = conn.execute(sql).fetchone()
    finally:
        conn.close()
    return str(row[0]) if row else ""


def walk(out: Path, width: int, height: int) -> dict[str, Any]:
    """Drive the window through each screen as the demo owner; return files and problems."""
    from tests.conftest import TODAY, pinned_clock
    from ui.app import build
    from ui.theme import apply_theme
    from warranty_desk.demo.story import build_demo_shop
    from warranty_desk.services import setup, staff
    from warranty_desk.storage.home import Home

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        home = Home(Path(tmp) / "home")
        db, _ = setup.init(home, clock=pinned_clock())
        build_demo_shop(db)
        db.dispose()
        win = build(home, app, clock=pinned_clock(), inline=True)
        win.resize(QSize(width, height))
        win.show()
        w = Walk(app, win, out)
        minimum = win.minimumSizeHint().expandedTo(win.minimumSize())
        if minimum.width() > width or minimum.height() > height:
            w.problems["window"] = [f"the window needs at least {minimum.width()}×"
                                    f"{minimum.height()}, more than {width}×{height}"]
        try:
            _tour(w, win, home, staff, TODAY)
        finally:
            win.ctx.db.dispose()
            win.close()
        real = win.size()
        if (real.width(), real.height()) != (width, height):
            w.problems.setdefault("window-size", []).append(
                f"the window grew to {real.width()}×{real.height()}")
    return {"size": [width, height], "files": w.files, "problems": w.problems}


def _tour(w: Walk, win: Any, home: Any, staff: Any, today: Any) -> None:
    w.shot("sign-in")
    win.sign_in.signed_in.emit(staff.sign_in(win.ctx.db, "Olive Owner", "7777"))
    counter = win.current_screen()
    assert counter is not None
    serial = _one(home, "SELECT serial FROM warranties WHERE status = 'active' AND serial IS "
                        f"NOT NULL AND end_on >= '{today.isoformat()}' ORDER BY code")
    counter.handle_scan(serial)
    w.shot("counter-verdict")
    for spec in win.stack.listed()[1:]:
        screen = win.show_screen(spec.name)
        w.shot(_slug(spec.name))
        extra = _EXTRA.get(spec.name)
        if extra is not None:
            extra(w, screen)
    counter.handle_scan(serial)
    verdict = counter.card.verdict
    reviewing = _one(home, "SELECT number FROM claims WHERE state = 'reviewing'")
    inspecting = _one(home, "SELECT number FROM claims WHERE state = 'inspecting'")
    for name, payload in (("StartClaimScreen", verdict), ("ExtensionScreen", verdict),
                          ("ClaimDetailScreen", reviewing), ("ClaimDetailScreen", inspecting)):
        win.ctx.navigate.emit(name, payload)
        w.shot(_slug(name) + ("-inspecting" if payload == inspecting else ""))
        extra = _EXTRA.get(name)
        if extra is not None and payload != inspecting:
            extra(w, win.current_screen())
    from ui.main_window import HelpOverlay

    overlay = HelpOverlay(win, win.help_rows())
    overlay.show()
    w.shot("help-overlay", overlay)
    overlay.close()


def _sale(w: Walk, screen: Any) -> None:
    screen.new_manual_sale()
    screen.receipt.setText("TILL-5001")
    screen.customer_name.setText("Grace Hopper")
    screen.search.setText("ORB-X-PHN")
    screen.quantity.setValue(2)
    screen.add_line()
    w.shot("sale-by-hand")
    screen.handle_scan("ORBX1-WALK01")
    screen.handle_scan("ORBX1-WALK02")
    offer = screen.lines[0].box.offer
    if offer is not None:
        offer.decline_button.click()
    screen.finish()
    w.shot("sale-done")
    screen.reset()


def _start_claim(w: Walk, screen: Any) -> None:
    screen.start_unknown()
    w.shot("start-claim-unknown-sale")


def _claim_detail(w: Walk, screen: Any) -> None:
    from ui.widgets.cost_dialog import CostDialog
    from ui.widgets.decision_dialog import DecisionDialog
    from ui.widgets.override_dialog import OverrideDialog

    for n in range(1, screen.tabs.count()):
        screen.tabs.setCurrentIndex(n)
        w.shot(f"claim-detail-tab-{n}")
    for name, dialog in (
            ("cost-dialog", CostDialog(screen)),
            ("override-dialog", OverrideDialog(w.window.ctx, "Moving the claim to inspection "
                                               "needs a manager's approval.", "Evidence "
                                               "missing: photo of the fault.", screen)),
            ("decision-dialog", DecisionDialog(screen.detail.number, reject=False, previews={},
                                               parent=screen))):
        dialog.show()
        w.shot(name, dialog)
        dialog.close()


def _customer(w: Walk, screen: Any) -> None:
    reference = _one(w.window.ctx.home, "SELECT c.reference FROM customers c JOIN claims k "
                                        "ON k.customer_id = c.id ORDER BY c.reference")
    screen.open(reference)
    w.shot("customer-profile")
    _tabs(w, screen)


def _brand_claims(w: Walk, screen: Any) -> None:
    screen.list.selectRow(0)
    screen.open_selected()
    w.shot("brand-claim-open")


def _tabs(w: Walk, screen: Any) -> None:
    """Each tab after the first the person may open, then back to the first."""
    for n in range(1, screen.tabs.count()):
        if screen.tabs.isTabVisible(n):
            screen.tabs.setCurrentIndex(n)
            w.shot(f"{_slug(type(screen).__name__)}-tab-{n}")
    screen.tabs.setCurrentIndex(0)


def _returns(w: Walk, screen: Any) -> None:
    from PySide6.QtCore import QItemSelectionModel

    from ui.widgets.mark_back_dialog import MarkBackDialog

    home = w.window.ctx.home
    for number in _all(home, "SELECT c.number FROM claims c JOIN products p ON p.id = "
                             "c.product_id WHERE c.state = 'received' AND p.supplier = "
                             "'Orbit UK Distribution'"):
        screen.handle_scan(number)
        row = screen.stock.model().row_of(number)
        screen.stock.selectionModel().select(
            screen.stock.model().index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    w.shot("returns-desk-received")
    screen.pack_selected()
    screen.batches.selectRow(0)
    screen.mark_sent()
    screen.batches.selectRow(0)

    def look(batch: Any, units: Any) -> None:
        dialog = MarkBackDialog(batch.number, batch.supplier, units, screen)
        dialog.show()
        w.shot("mark-back-dialog", dialog)
        dialog.close()

    screen.ask_outcomes = look
    screen.mark_back()
    w.shot("returns-desk-batch-sent")


def _reports(w: Walk, screen: Any) -> None:
    # Each report has its own columns: every one must fit the screen's width.
    for n in range(1, screen.choices.count()):
        screen.choices.setCurrentIndex(n)
        w.shot(f"report-{screen.current()}")


def _all(home: Any, sql: str) -> list[str]:
    conn = sqlite3.connect(home.database)
    try:
        return [str(row[0]) for row in conn.execute(sql)]
    finally:
        conn.close()


_EXTRA: dict[str, Callable[[Walk, Any], None]] = {
    "SaleScreen": _sale, "StartClaimScreen": _start_claim,
    "ClaimDetailScreen": _claim_detail, "CustomerScreen": _customer,
    "SettingsScreen": _tabs, "ReturnsDeskScreen": _returns, "ReportsScreen": _reports,
    "FollowUpsScreen": _tabs, "BrandClaimsScreen": _brand_claims,
}


def _slug(class_name: str) -> str:
    name = class_name.removesuffix("Screen")
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1024x768", help="window size, e.g. 1024x768")
    args = parser.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    result = walk(args.out, width, height)
    print(json.dumps(result, indent=2))
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
