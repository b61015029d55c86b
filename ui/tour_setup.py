"""The screenshot tour's first-run setup: a new shop's seven steps, filled in as a shop would.

Called by ui/tour.py after the demo shop's screens; the files are named 00-setup-N-step.png,
so they sort before the sign-in, which is where a new shop meets them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLineEdit

# A GS1 code as a scanner sends it from a box: GTIN, expiry, lot, then (after GS) serial.
TOUR_SCAN = "]C101095011010209171719050810ABC123\x1d21SN-4471-XK"
# Nothing listens here, so the printer test shows how a failure is said.
TOUR_PRINTER = "tcp://127.0.0.1:9"


def _type(field: QLineEdit, text: str) -> None:
    field.clear()
    field.insert(text)


def _steps(wizard: Any, shot: Callable[[str], None]) -> None:
    pages = wizard.steps
    shop = pages[0]
    _type(shop.name, "Harbour Electronics")
    _type(shop.address, "4 Quay Street, Bristol BS1 4DJ")
    shop.locale_box.setCurrentText("en_GB")
    shop.currency.setCurrentText("GBP")
    _type(shop.timezone, "Europe/London")
    shot("00-setup-1-shop")
    wizard.go_on()
    _type(pages[1].code, "HB-1")
    _type(pages[1].branch_name, "Quay Street")
    wizard.go_on()  # refused: the tour shows the rule in the message
    shot("00-setup-2-branch")
    _type(pages[1].code, "HB01")
    wizard.go_on()
    _type(pages[2].name, "Olive Owner")
    _type(pages[2].pin, "7777")
    _type(pages[2].again, "7777")
    shot("00-setup-3-owner")
    wizard.go_on()
    shot("00-setup-4-policies")
    wizard.go_on()
    wizard.handle_scan(TOUR_SCAN)
    shot("00-setup-5-scanner")
    wizard.go_on()
    _type(pages[5].target, TOUR_PRINTER)
    pages[5].test_button.click()
    shot("00-setup-6-printer")
    wizard.skip()
    pages[6].alone.setChecked(True)
    _type(pages[6].smtp_host, "smtp.harbour-electronics.example")
    _type(pages[6].smtp_user, "repairs")
    _type(pages[6].mail_from, "repairs@harbour-electronics.example")
    shot("00-setup-7-head-office")


def setup_tour(out: Path, work_area: QRect, day: Any) -> list[Path]:
    """Walk a new shop's setup on a fresh home; return the files written."""
    from ui.app import build
    from ui.theme import apply_theme
    from warranty_desk.clock import FixedClock
    from warranty_desk.storage.home import Home

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        win = build(Home(Path(tmp) / "new-shop"), app, clock=FixedClock.on(day, hour=9),
                    inline=True)
        win.fit_to_screen(work_area)
        win.show()

        def shot(name: str) -> None:
            for _ in range(5):
                app.processEvents()
            path = out / f"{name}.png"
            win.grab().save(str(path))
            written.append(path)

        try:
            _steps(win.first_run, shot)
        finally:
            win.close_for_good()  # no connection is left on the folder about to go
    return written
