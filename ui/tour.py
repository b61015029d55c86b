"""Screenshot tour: opens the app on a fresh demo shop and saves a PNG of every screen.

Run by `make screenshots` under Xvfb: `python -m ui.tour docs/screenshots`. The window is
fitted as the app fits it on the commonest till screen, 1366×768 with a 40 px taskbar.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

# The tour pins the day so the screenshots stay the same from run to run.
TOUR_DAY = date(2026, 11, 22)
# A 1366×768 screen less its taskbar: the window opens 1350×688 there, with its frame around.
WORK_AREA = QRect(0, 0, 1366, 728)


def _settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def tour(out: Path, work_area: QRect = WORK_AREA) -> list[Path]:
    """Drive the window through its screens; return the files written."""
    from ui.app import build
    from ui.main_window import MainWindow
    from ui.theme import apply_theme
    from warranty_desk.clock import FixedClock
    from warranty_desk.demo.story import build_demo_shop
    from warranty_desk.demo.uk_shop import DEMO_NAME, DEMO_TIMEZONE
    from warranty_desk.permissions import Actor
    from warranty_desk.services import setup, staff
    from warranty_desk.services.lookup import lookup
    from warranty_desk.services.reports import warranty_register
    from warranty_desk.storage.home import Home

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Home(Path(tmp) / "home")
        clock = FixedClock.on(TOUR_DAY, hour=11)
        # The shop `make run` opens: `init --demo`'s name and time zone, then the demo.
        db, _ = setup.init(home, setup.ShopInput(name=DEMO_NAME, timezone=DEMO_TIMEZONE),
                           clock=clock)
        build_demo_shop(db)
        tour_actor = Actor.system("tour")
        rows = list(warranty_register(db, tour_actor))
        samples = {status: next((r.serial for r in rows if r.status == status and r.serial), "")
                   for status in ("in_cover", "expired", "void")}
        in_cover = lookup(db, tour_actor, samples["in_cover"]).matches[0]
        # A unit that can still take an extension, for the Sell extension screen.
        offered = next(v for r in rows if r.serial and r.status == "in_cover"
                       for v in lookup(db, tour_actor, r.serial).matches if v.extension_offers)
        db.dispose()

        for theme in ("light", "dark"):
            apply_theme(app, theme)
            win: MainWindow = build(home, app, clock=clock, inline=True)
            win.fit_to_screen(work_area)
            win.show()
            _settle(app)

            def shot(name: str, win: MainWindow = win, theme: str = theme) -> None:
                _settle(app)
                path = out / (f"{name}.png" if theme == "light" else f"{name}-dark.png")
                win.grab().save(str(path))
                written.append(path)

            shot("01-sign-in")
            if theme == "dark":
                # One dark screen shows the theme; the full tour runs in light.
                win.sign_in.signed_in.emit(staff.sign_in(win.ctx.db, "Maria Manager", "5555"))
                counter = win.current_screen()
                if counter is not None:
                    counter.handle_scan(samples["in_cover"])
                shot("02-counter-in-cover")
                _done(win)
                continue
            # The owner may open every screen, Settings included.
            win.sign_in.signed_in.emit(staff.sign_in(win.ctx.db, "Olive Owner", "7777"))
            counter = win.current_screen()
            assert counter is not None
            for n, status in enumerate(("in_cover", "expired", "void"), start=2):
                counter.handle_scan(samples[status])
                shot(f"0{n}-counter-{status.replace('_', '-')}")
            counter.handle_scan("NO-SUCH-UNIT-42")
            shot("05-counter-not-found")
            n = 6
            for spec in win.stack.listed()[1:]:
                if spec.name == "CustomerScreen":  # as Ctrl+U opens it from the counter
                    win.ctx.navigate.emit(spec.name, in_cover)
                elif spec.name == "SaleScreen":  # a sale entered by hand, its offer open
                    _hand_sale(win.show_screen(spec.name))
                else:
                    win.show_screen(spec.name)
                shot(f"{n:02d}-{_slug(spec.name)}")
                n += 1
            # Screens that show one record are opened the way staff reach them.
            counter.handle_scan(samples["in_cover"])
            verdict = getattr(counter, "card").verdict  # noqa: B009 (any Screen; the counter has a card)
            reviewing = _claim_in(home, "reviewing")
            for name, payload in (("StartClaimScreen", verdict), ("ExtensionScreen", offered),
                                  ("ClaimDetailScreen", reviewing)):
                win.ctx.navigate.emit(name, payload)
                shot(f"{n:02d}-{_slug(name)}")
                n += 1
            _done(win)
    return written


def _done(win: Any) -> None:
    """Close the window for good: its timers (the print queue's count) read a database that
    goes with the tour's temporary folder, so the window must not outlive it."""
    from PySide6.QtCore import QEvent

    win.ctx.tasks.wait()
    win.ctx.db.dispose()
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


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
    import sqlite3

    path = home.database
    row = sqlite3.connect(path).execute(
        "SELECT number FROM claims WHERE state = ? ORDER BY number LIMIT 1", (state,)).fetchone()
    return str(row[0]) if row else ""


def _slug(class_name: str) -> str:
    name = class_name.removesuffix("Screen")
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots to the folder given (default docs/screenshots)."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screenshots")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    del app
    files = tour(out)
    for path in files:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
