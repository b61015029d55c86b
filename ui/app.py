"""Starts the counter app: a first window at once, the database and screens right behind it."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from warranty_desk.storage.home import Home

log = logging.getLogger(__name__)


def screen_classes() -> list[type[Any]]:
    """The screens in navigation order; each module holds one."""
    from ui.screens.claim_detail import ClaimDetailScreen
    from ui.screens.claims_board import ClaimsBoardScreen
    from ui.screens.counter import CounterScreen
    from ui.screens.customer import CustomerScreen
    from ui.screens.extension import ExtensionScreen
    from ui.screens.print_queue import PrintQueueScreen
    from ui.screens.reports import ReportsScreen
    from ui.screens.returns_desk import ReturnsDeskScreen
    from ui.screens.sale import SaleScreen
    from ui.screens.settings import SettingsScreen
    from ui.screens.start_claim import StartClaimScreen
    from ui.screens.sync_panel import SyncPanelScreen

    # Screens with a shortcut are listed in the navigation; the others open from a record.
    return [CounterScreen, SaleScreen, ClaimsBoardScreen, ReturnsDeskScreen, CustomerScreen,
            PrintQueueScreen, ReportsScreen, SettingsScreen, SyncPanelScreen, StartClaimScreen,
            ExtensionScreen, ClaimDetailScreen]


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
    return MainWindow(ctx, screen_classes(), idle_minutes=idle_minutes)


def run_app(home: Home, argv: list[str] | None = None) -> int:
    """The GUI entry point used by `warranty-desk` with no command."""
    from ui.theme import apply_theme
    from warranty_desk.logs import setup_logging

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

        loaded = config.load(home)
        apply_theme(app, loaded.settings.theme)
        window = build(home, app, idle_minutes=loaded.settings.idle_minutes)
        holder["window"] = window
        window.start_scanners(app, loaded.settings.scanner)
        window.start_sync()
        window.show()
        first.close()
        if loaded.warning:
            window.notify(loaded.warning, "warning")
        if probe:
            QTimer.singleShot(0, lambda: (print("ready", flush=True), app.quit()))

    QTimer.singleShot(0, finish)
    return int(app.exec())
