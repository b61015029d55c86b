"""Screenshot tour: opens the app on a fresh demo shop and saves a PNG of every screen.

Run by `make screenshots` under Xvfb: `python -m ui.tour docs/screenshots`. The window is
fitted as the app fits it on the commonest till screen, 1366×768 with a 40 px taskbar;
`--size 1024x768` fits it to another screen (less the same taskbar), to look at the smallest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractAnimation, QRect
from PySide6.QtWidgets import QApplication

# The tour pins the day so the screenshots stay the same from run to run.
TOUR_DAY = date(2026, 11, 22)
# The height of a till's taskbar, at the bottom of the screen.
TASKBAR = 40
# A 1366×768 screen less its taskbar: the window opens 1350×688 there, with its frame around.
WORK_AREA = QRect(0, 0, 1366, 768 - TASKBAR)


def _settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def _still(app: QApplication, win: Any) -> None:
    """Wait out the widgets' own animations (a scan field's clear button fades in over a few
    frames): a picture taken halfway through one differs from run to run."""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and any(
            a.state() == QAbstractAnimation.State.Running
            for a in win.findChildren(QAbstractAnimation)):
        app.processEvents()
        time.sleep(0.01)


@dataclass(frozen=True)
class _Units:
    """The units the tour shows: a serial per verdict, and the verdicts its screens open on."""

    serials: dict[str, str]  # in_cover, expired, void
    in_cover: Any  # WarrantyVerdict, with a customer
    offered: Any  # WarrantyVerdict that can still take an extension plan


def _demo_shop(home: Any, clock: Any) -> _Units:
    """The shop `make run` opens (`init --demo`'s name and time zone, then the demo)."""
    from warranty_desk.demo.story import build_demo_shop
    from warranty_desk.demo.uk_shop import DEMO_NAME, DEMO_TIMEZONE
    from warranty_desk.permissions import Actor
    from warranty_desk.services import setup
    from warranty_desk.services.lookup import lookup
    from warranty_desk.services.reports import warranty_register

    db, _ = setup.init(home, setup.ShopInput(name=DEMO_NAME, timezone=DEMO_TIMEZONE),
                       clock=clock)
    try:
        build_demo_shop(db)
        actor = Actor.system("tour")
        rows = list(warranty_register(db, actor))
        serials = {status: next((r.serial for r in rows if r.status == status and r.serial), "")
                   for status in ("in_cover", "expired", "void")}
        return _Units(
            serials, lookup(db, actor, serials["in_cover"]).matches[0],
            next(v for r in rows if r.serial and r.status == "in_cover"
                 for v in lookup(db, actor, r.serial).matches if v.extension_offers))
    finally:
        db.dispose()


def tour(out: Path, work_area: QRect = WORK_AREA) -> list[Path]:
    """Drive the window through its screens; return the files written."""
    from ui.app import build
    from ui.main_window import MainWindow
    from ui.theme import apply_theme
    from ui.tour_guide import guide_tour
    from ui.tour_setup import setup_tour
    from warranty_desk.clock import FixedClock
    from warranty_desk.storage.home import Home

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Home(Path(tmp) / "home")
        clock = FixedClock.on(TOUR_DAY, hour=11)
        units = _demo_shop(home, clock)
        for theme in ("light", "dark"):
            apply_theme(app, theme)
            win: MainWindow = build(home, app, clock=clock, inline=True)
            win.fit_to_screen(work_area)
            win.show()
            _settle(app)

            def shot(name: str, win: MainWindow = win, theme: str = theme) -> None:
                _settle(app)
                _still(app, win)
                path = out / (f"{name}.png" if theme == "light" else f"{name}-dark.png")
                win.grab().save(str(path))
                written.append(path)

            shot("01-sign-in")
            if theme == "dark":  # two dark screens show the theme; the full tour is light
                _sign_in(win, "Maria Manager", "5555").handle_scan(units.serials["in_cover"])
                shot("02-counter-in-cover")
                # The owner's view in the dark too: its charts take their colours from it.
                win.show_screen("DashboardScreen")
                shot("11-dashboard")
                _compared(win, shot)
            else:
                _every_screen(win, home, units, shot)
                guide_tour(win, home, units.serials, shot, out)  # docs/guide's own screens
            _done(win)
    written += setup_tour(out, work_area, TOUR_DAY)
    return written


def _sign_in(win: Any, name: str, pin: str) -> Any:
    """Signed in (as the sign-in screen does once the PIN is right): the counter."""
    from warranty_desk.services import staff

    win.sign_in.signed_in.emit(staff.sign_in(win.ctx.db, name, pin))
    counter = win.current_screen()
    assert counter is not None
    return counter


def _every_screen(win: Any, home: Any, units: _Units, shot: Callable[[str], None]) -> None:
    """As the owner, who may open every screen (Settings included): each one, in order."""
    counter = _sign_in(win, "Olive Owner", "7777")
    for n, status in enumerate(("in_cover", "expired", "void"), start=2):
        counter.handle_scan(units.serials[status])
        shot(f"0{n}-counter-{status.replace('_', '-')}")
    counter.handle_scan("NO-SUCH-UNIT-42")
    shot("05-counter-not-found")
    n = 6
    for spec in win.stack.listed()[1:]:
        if spec.name == "CustomerScreen":  # as Ctrl+U opens it from the counter
            win.ctx.navigate.emit(spec.name, units.in_cover)
        elif spec.name == "SaleScreen":  # a sale entered by hand, its offer open
            _hand_sale(win.show_screen(spec.name))
        else:
            win.show_screen(spec.name)
        shot(f"{n:02d}-{_slug(spec.name)}")
        n += 1
    # Screens that show one record are opened the way staff reach them.
    for name, payload in (("StartClaimScreen", units.in_cover),
                          ("ExtensionScreen", units.offered),
                          ("ClaimDetailScreen", _claim_in(home, "reviewing"))):
        win.ctx.navigate.emit(name, payload)
        shot(f"{n:02d}-{_slug(name)}")
        n += 1
    _compared(win, shot)
    # The suppliers' terms in Settings, and the story's brand claim open on its screen.
    settings = win.show_screen("SettingsScreen")
    settings.show_tab(settings.suppliers)
    shot(f"{n:02d}-settings-suppliers")
    brand = win.show_screen("BrandClaimsScreen")
    brand.open_number(_first(home, "SELECT number FROM brand_claims ORDER BY number"))
    shot(f"{n + 1:02d}-brand-claims-open")
    # The supplier's contact signs in straight onto her supplier's brand claims (after the
    # owner locked the till, which clears every screen).
    win.lock()
    _sign_in(win, "Lena Lumen", "9999")
    shot(f"{n + 2:02d}-brand-claims-supplier-contact")


def _compared(win: Any, shot: Callable[[str], None]) -> None:
    """The dashboard compared by brand, its chart drawn by the cost per claim picked."""
    dashboard = win.show_screen("DashboardScreen")
    dashboard.by.setCurrentText("brand")
    keys = [f.key for f in dashboard.data.figures]
    dashboard.figures.setCurrentRow(keys.index("cost-per-claim"))
    shot("11-dashboard-compared")


def _done(win: Any) -> None:
    """Close the window for good: its timers (the print queue's count) read a database that
    goes with the tour's temporary folder, so the window must not outlive it."""
    win.close_for_good()


def _hand_sale(sale: Any) -> None:
    """Two phones keyed in by hand, one serial scanned: the other to scan, the offer to answer."""
    sale.new_manual_sale()
    sale.receipt.setText("TILL-1042")
    sale.search.setText("ORB-X-PHN")
    sale.quantity.setValue(2)
    sale.add_line()
    first = sale.lines[0].box.editable_fields()[0]
    first.setText("ORBX1-TOUR01")


def _claim_in(home: Any, state: str) -> str:
    return _first(home, "SELECT number FROM claims WHERE state = ? ORDER BY number", state)


def _first(home: Any, query: str, *args: object) -> str:
    """The first value the query finds in the tour's shop, or "" when none."""
    import sqlite3
    from contextlib import closing

    # Closed at once: left to the cycle collector it would hold the file open.
    with closing(sqlite3.connect(home.database)) as connection:
        row = connection.execute(query, args).fetchone()
    return str(row[0]) if row else ""


def _slug(class_name: str) -> str:
    name = class_name.removesuffix("Screen")
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


def work_area(size: str) -> QRect:
    """The work area of a screen of this size ("1024x768"), less the taskbar."""
    width, height = (int(n) for n in size.lower().split("x"))
    return QRect(0, 0, width, height - TASKBAR)


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots to the folder given (default docs/screenshots)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--size", default="1366x768", help="the screen, e.g. 1024x768")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    del app
    files = tour(args.out, work_area(args.size))
    for path in files:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
