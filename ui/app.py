"""Starts the counter app: a first window at once, the database and screens right behind it."""

from __future__ import annotations

import logging
import os
import sys
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    from ui.screens.registry import ScreenSpec
    from ui.start_upgrade import SchemaUpgrade
    from ui.start_window import StartWindow
    from ui.warmup import OrmLoad
    from warranty_desk.clock import Clock
    from warranty_desk.config import Loaded
    from warranty_desk.errors import DatabaseDamaged

log = logging.getLogger(__name__)


def screen_specs() -> list[ScreenSpec]:
    """The screens in navigation order, as specs: the window imports each when first shown."""
    from ui.screens.registry import SCREENS

    return list(SCREENS)


def screen_classes() -> list[type[Any]]:
    """The screen classes in navigation order (imports every screen: for tests and tools)."""
    return [spec.load() for spec in screen_specs()]


def build(home: Home, app: QApplication, *, clock: Clock, inline: bool = False,
          idle_minutes: int = 5, checked: bool = False) -> Any:
    """Open the database and build the main window.

    A file at the schema's head with its shop row (most starts) is read through the driver:
    SQLAlchemy loads on a thread once the window is ready (ui.warmup.OrmLoad). A new shop or
    an older file is set up first (setup.init), SQLAlchemy with it.
    `checked`: the file was just found sound (shop_open.open_database)."""
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.tasks import TaskRunner
    from ui.widgets.labels import use_plain_text
    from warranty_desk.services import shop_open

    opened = shop_open.open_ready(home, clock, checked=checked)
    if opened is None:
        from warranty_desk.services import setup

        db, _ = setup.init(home, clock=clock, checked=checked)
        shop = shop_open.shop_row(db)
        assert shop is not None  # init made it
    else:
        db, shop = opened
    ctx = AppContext(home, db, shop, TaskRunner(inline=inline))
    use_plain_text(app)
    return MainWindow(ctx, screen_specs(), idle_minutes=idle_minutes)


def warm_up(window: Any) -> Any:
    """After ready, while sign-in waits: load what the first minutes will need."""
    from ui.main_window import COUNTER
    from ui.warmup import Warmup, import_step

    # The PIN hasher (the sign-in itself), GS1 barcode parsing (the first GS1 scan), the sync
    # indicator's counts (at sign-in; the inbox's for managers), the print queue's count (at
    # sign-in), printing (Ctrl+P on the counter), then the screens in navigation order. A
    # module loaded already (the counter's) costs nothing.
    modules = ["argon2", "biip", "warranty_desk.services.sync_admin",
               "warranty_desk.services.message_delivery", "warranty_desk.services.inbox",
               "warranty_desk.services.print_jobs", "printing.documents", "ui.printing.desk"]
    modules += [spec.module for spec in window.stack.specs]
    steps = [import_step(m) for m in modules]
    if window.stack.spec(COUNTER) is not None:
        # The counter first (its lookup with it): whoever signs in lands on it, and the first
        # scan must not wait for it. Signing in before this step builds it then.
        steps.insert(0, partial(window.stack.screen_for, COUNTER))
    warmup = Warmup(window.ctx, steps)
    warmup.start()
    return warmup


# The start window's heading when the shop's database is damaged.
DAMAGED = "The shop's records are damaged. Nothing will be written to them."


def _cannot_open(home: Home, exc: Exception) -> str:
    """What went wrong opening the shop, and what to do, in plain words."""
    return (f"{exc}\n\nThe shop's files are in {home.root}. Check that the folder is there "
            "and this user may write to it, then start the app again. The full error is in "
            f"the log in {home.logs}.")


def run_app(home: Home, argv: list[str] | None = None, *, clock: Clock | None = None) -> int:
    """The GUI entry point used by `warranty-desk` with no command."""
    from warranty_desk.clock import SystemClock

    # The app's one clock: every screen and service reads "now" from it through the database.
    clock = clock or SystemClock()
    from ui.feature_scan import skip_feature_scan
    from ui.start_gc import pause_gc
    from ui.theme import apply_theme

    skip_feature_scan()
    # After the scan is off: PySide looks over every module that uses it, imported before.
    from ui.start_window import StartWindow

    gc_was_on = pause_gc()
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Warranty Desk")
    apply_theme(app)
    first = StartWindow(home)
    first.show()
    # `make bench` times a cold start: with this set the app says when each stage is on
    # screen and quits once ready for a scan.
    probe = os.environ.get("WARRANTY_DESK_STARTUP_PROBE") == "1"
    if probe:
        QTimer.singleShot(0, lambda: print("first-window", flush=True))
    startup = _Startup(home, app, first, clock, probe=probe, gc_was_on=gc_was_on)
    QTimer.singleShot(0, startup.finish)
    return int(app.exec())


class _Startup:
    """What follows the first window: the settings, a schema upgrade if one is due, the shop.

    It keeps the main window, its warm-up, the upgrade and the database layer's load alive while
    the app runs.
    """

    def __init__(self, home: Home, app: QApplication, first: StartWindow, clock: Clock, *,
                 probe: bool, gc_was_on: bool) -> None:
        self.home, self.app, self.first, self.clock = home, app, first, clock
        self.probe = probe
        self.gc_was_on = gc_was_on
        self.window: Any = None
        self.warmup: Any = None
        self.upgrade: SchemaUpgrade | None = None
        self.load: OrmLoad | None = None
        # The walk of every page of a large file once ready (_check_whole): None when the start
        # walked it already, then "running", "sound", "damaged" or "interrupted" (the app closed).
        self.whole_check: str | None = None

    def finish(self) -> None:
        """Read the settings and theme; upgrade the records first if this version needs it."""
        from ui.start_upgrade import SchemaUpgrade, upgrade_needed
        from ui.theme import apply_theme
        from ui.widgets.labels import use_plain_text
        from warranty_desk import config
        from warranty_desk.logs import setup_logging

        # The log is opened after the first frame, before anything here could write to it:
        # nothing before the first window logs, and its module costs a tenth of that window.
        setup_logging(self.home)
        # After the first frame (the style brings Qt's enums): from here every label, the
        # start window's too, shows plain text, whatever it says.
        use_plain_text(self.app)
        loaded = config.load(self.home)
        apply_theme(self.app, loaded.settings.theme)
        if self._damaged():
            return
        if not upgrade_needed(self.home):
            self.open_shop(loaded, checked=True)  # just now, by _damaged
            return
        self.first.show_progress(
            "Updating the shop's records for this version of Warranty Desk",
            "This happens once after an update and can take a minute on a large shop; the "
            "records are backed up first. Please leave the app open; if it is closed, nothing "
            "is lost and the update starts again.")
        if self.probe:
            print("upgrading", flush=True)
        self.upgrade = SchemaUpgrade(self.home, lambda error: self._upgraded(loaded, error),
                                     self.clock)
        self.upgrade.start()

    def _damaged(self) -> bool:
        """Refuse a damaged database before anything opens it for writing: say so, offer the
        last good backup, and offer nothing else but Close."""
        from warranty_desk.errors import DatabaseDamaged
        from warranty_desk.services.damage import refuse_damaged

        try:
            refuse_damaged(self.home)
        except DatabaseDamaged as exc:
            self._refuse(exc)
            return True
        return False

    def _refuse(self, exc: DatabaseDamaged) -> None:
        log.warning("The shop's database is damaged: %s", exc)
        self.first.show_problem(DAMAGED, str(exc))
        self._resume_gc()

    def _upgraded(self, loaded: Loaded, error: str | None) -> None:
        if error is None:
            self.open_shop(loaded)
            return
        log.error("The schema upgrade failed: %s", error)
        # The upgrade's own words say whether the backup made first was put back.
        self.first.show_problem("The shop's records could not be updated.", error)
        self._resume_gc()

    def open_shop(self, loaded: Loaded, *, checked: bool = False) -> None:
        """Open the database, show the main window in place of the first, start its devices.

        `checked`: the file was found sound just before, with nothing written since."""
        from warranty_desk.errors import DatabaseDamaged

        app = self.app
        try:
            window = build(self.home, app, clock=self.clock,
                           idle_minutes=loaded.settings.idle_minutes, checked=checked)
        except DatabaseDamaged as exc:  # damaged between the check and the open
            self._refuse(exc)
            return
        except Exception as exc:
            log.exception("The shop could not be opened")
            self.first.show_problem("The shop could not be opened.",
                                    _cannot_open(self.home, exc))
            self._resume_gc()
            return
        self.window = window
        screen = app.primaryScreen()
        if screen is not None:
            window.fit_to_screen(screen.availableGeometry())
        window.show()
        self.first.close()
        if loaded.warning:
            window.notify(loaded.warning, "warning")
        # The scanners start once the window is laid out and painted, before it is called
        # ready: their key filter sees every event of the app, and the first showing sends
        # a few hundred (polish, resize, paint) that would each cross into Python for nothing.
        QTimer.singleShot(0, lambda: window.start_scanners(app, loaded.settings.scanner))
        if self.probe:
            QTimer.singleShot(0, lambda: (print("ready", flush=True), app.quit()))
        QTimer.singleShot(0, lambda: self._after_ready(window))
        self._resume_gc()

    def _after_ready(self, window: Any) -> None:
        """Load the database layer on a thread, then the rest: the sync worker, the deep check
        and the warm-up start after it, not while the window is first laid out and painted (the
        sync worker's first cycle may load the HTTP stack, and the deep check reads every page
        of a large file, taking the other core), nor while the layer loads (see OrmLoad)."""
        from ui.warmup import OrmLoad

        if window.ctx.db.loaded:  # set up just now (setup.init): SQLAlchemy came with it
            self._start_threads(window)
            return
        self.load = OrmLoad(window.ctx.db, lambda: self._start_threads(window))
        self.load.start()

    def _start_threads(self, window: Any) -> None:
        window.start_sync()
        self._check_whole(window)
        self.warmup = warm_up(window)

    def _check_whole(self, window: Any) -> None:
        """A file too large to walk at start is walked on a worker once the app is ready; if it
        is damaged, every write is refused from then on and the person is told at once."""
        from warranty_desk.services import damage
        from warranty_desk.storage import soundness

        if damage.checked_whole_at_start(self.home):
            return
        stop = soundness.Stop()
        # Qt's pool waits for its work when the app ends: closing stops the walk first (within
        # milliseconds) rather than wait for it (up to 20 s on a large shop on a busy disk).
        self.app.aboutToQuit.connect(stop.stop)
        self.whole_check = "running"

        def walk() -> str | None:
            try:
                said = damage.deep_check(self.home, stop)
            except soundness.Interrupted:
                # Neither sound nor damaged: the next start walks the file again.
                self.whole_check = "interrupted"
                log.info("The check of every page was stopped as the app closed")
                raise
            self.whole_check = "sound" if said is None else "damaged"
            return said

        def found(said: str | None) -> None:
            if said is None:
                return
            log.warning("The shop's database is damaged: %s", said)
            window.ctx.db.refuse_writes(said)
            window.warn_always(said)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, soundness.Interrupted):  # stopped: the app is closing
                window.ctx.report(exc)

        window.ctx.tasks.run(walk, found, failed)

    def _resume_gc(self) -> None:
        """Once the window (or the problem) is on screen, collect garbage as usual."""
        from ui.start_gc import resume_gc

        QTimer.singleShot(0, lambda: resume_gc(self.gc_was_on))
