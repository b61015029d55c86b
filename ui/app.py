"""Starts the counter app: a first window at once, the database and screens right behind it."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    from ui.screens.registry import ScreenSpec

log = logging.getLogger(__name__)


def screen_specs() -> list[ScreenSpec]:
    """The screens in navigation order, as specs: the window imports each when first shown."""
    from ui.screens.registry import SCREENS

    return list(SCREENS)


def screen_classes() -> list[type[Any]]:
    """The screen classes in navigation order (imports every screen: for tests and tools)."""
    return [spec.load() for spec in screen_specs()]


class StartWindow(QMainWindow):
    """What the person sees in the first moments: the app is there and opening the shop."""

    def __init__(self, home: Home) -> None:
        super().__init__()
        self.setWindowTitle("Warranty Desk")
        label = QLabel(f"Opening the shop in {home.root} …")
        label.setObjectName("heading")
        label.setMargin(40)
        self.setCentralWidget(label)
        self.resize(1280, 800)


def build(home: Home, app: QApplication, *, today: Any = None, inline: bool = False,
          idle_minutes: int = 5) -> Any:
    """Open the database and build the main window (imports SQLAlchemy: after the first frame)."""
    from sqlalchemy import select

    from ui.context import AppContext, ShopInfo
    from ui.main_window import MainWindow
    from ui.tasks import TaskRunner
    from warranty_desk.models import Shop
    from warranty_desk.services import setup

    db, _ = setup.init(home)
    with db.read() as session:
        shop = session.scalars(select(Shop)).one()
        info = ShopInfo(shop.name, shop.branch_code, shop.timezone, shop.locale, shop.currency)
    ctx = AppContext(home, db, info, TaskRunner(inline=inline), today=today)
    return MainWindow(ctx, screen_specs(), idle_minutes=idle_minutes)


def warm_up(window: Any) -> Any:
    """After ready, while sign-in waits: load what the first minutes will need."""
    from ui.warmup import Warmup, import_step

    # The PIN hasher (the sign-in itself), GS1 barcode parsing (the first GS1 scan), the sync
    # indicator's inbox count (for managers), printing (Ctrl+P on the counter), then the
    # screens in navigation order. A module loaded already (the counter's) costs nothing.
    modules = ["argon2", "biip", "warranty_desk.services.inbox", "printing.documents",
               "ui.printing.desk"]
    modules += [spec.module for spec in window.stack.specs]
    warmup = Warmup(window.ctx, [import_step(m) for m in modules])
    warmup.start()
    return warmup


def run_app(home: Home, argv: list[str] | None = None) -> int:
    """The GUI entry point used by `warranty-desk` with no command."""
    from ui.feature_scan import skip_feature_scan
    from ui.start_gc import pause_gc, resume_gc
    from ui.theme import apply_theme
    from warranty_desk.logs import setup_logging

    skip_feature_scan()
    gc_was_on = pause_gc()
    setup_logging(home)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Warranty Desk")
    apply_theme(app)
    first = StartWindow(home)
    first.show()
    holder: dict[str, Any] = {}
    # `make bench` times a cold start: with this set the app says when each stage is on
    # screen and quits once ready for a scan.
    probe = os.environ.get("WARRANTY_DESK_STARTUP_PROBE") == "1"
    if probe:
        QTimer.singleShot(0, lambda: print("first-window", flush=True))

    def finish() -> None:
        from warranty_desk import config

        try:
            loaded = config.load(home)
            apply_theme(app, loaded.settings.theme)
            window = build(home, app, idle_minutes=loaded.settings.idle_minutes)
            holder["window"] = window
            window.show()
            first.close()
            if loaded.warning:
                window.notify(loaded.warning, "warning")
            # The scanners start once the window is laid out and painted, before it is called
            # ready: their key filter sees every event of the app, and the first showing sends
            # a few hundred (polish, resize, paint) that would each cross into Python for nothing.
            QTimer.singleShot(0, lambda: window.start_scanners(app, loaded.settings.scanner))
            window.start_sync()
            if probe:
                QTimer.singleShot(0, lambda: (print("ready", flush=True), app.quit()))
            holder["warmup"] = warm_up(window)
        finally:
            # Once the window is on screen (or the start failed), collect garbage as usual.
            QTimer.singleShot(0, lambda: resume_gc(gc_was_on))

    QTimer.singleShot(0, finish)
    return int(app.exec())
