"""The main window: sign-in, navigation, the screens, notices, shortcuts and auto-lock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.about_box import TITLE as ABOUT_TITLE
from ui.about_box import AboutBox
from ui.context import AppContext
from ui.keys import bind_key
from ui.printing.indicator import QueueIndicator
from ui.scan_routing import ask_to_leave, type_into_focus
from ui.scanners import STATUS_LEVELS, Scanners
from ui.screen_stack import ScreenStack
from ui.screens.base import Screen
from ui.screens.first_run import FirstRunScreen
from ui.screens.registry import ScreenSpec
from ui.screens.sign_in import SignInScreen
from ui.sync.news import SyncNews
from ui.sync.status import SyncIndicator
from ui.sync.worker import SyncWorker
from ui.widgets.labels import Label
from ui.widgets.styling import show_level
from warranty_desk.config import ScannerSettings
from warranty_desk.permissions import ROLE_LABELS, Actor, Permission
from warranty_desk.services.first_run_progress import progress as setup_progress

if TYPE_CHECKING:
    from ui.screens.sync_panel import SyncPanelScreen

# Minutes without a key or click before the app locks itself; the counter is public.
DEFAULT_IDLE_MINUTES = 5
# The window's size before it knows its screen (tests, and screens bigger than this).
DEFAULT_SIZE = QSize(1280, 800)
# A bigger screen gains nothing from a wider counter: the window opens at most this big.
LARGEST_SIZE = QSize(1440, 900)
# What a window manager adds around the window: a title bar (up to about 40 px with scaling)
# and thin borders. The screen's work area (less its taskbar) must hold both.
DECORATION = QSize(16, 40)
# Below this the screens stop fitting: a 1024×768 screen less a 48 px taskbar and the title.
SMALLEST_SIZE = QSize(1000, 660)
# Built by the warm-up's first step, a turn of the event loop after the window is ready (see
# ui.app.warm_up), not when first shown: a scan goes to the counter, and the first scan after
# signing in must not wait for the screen and its lookup to load. The sign-in page is what is
# on screen until then, and it ignores scans.
COUNTER = "CounterScreen"


def fitted_size(work_area: QSize) -> QSize:
    """The window's size (without its frame) on a screen with this work area."""
    return (work_area - DECORATION).boundedTo(LARGEST_SIZE)


class _IdleWatch(QObject):
    """Restarts the auto-lock timer on every key press or click anywhere in the app."""

    def __init__(self, timer: QTimer) -> None:
        super().__init__()
        self._timer = timer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self._timer.start()
        return False


class HelpOverlay(QDialog):
    """F1: every shortcut of the app and of the current screen."""

    def __init__(self, parent: QWidget, rows: Sequence[tuple[str, str]],
                 about: Callable[[], object] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        table = QTableWidget(len(rows), 2)
        table.setObjectName("shortcuts")
        table.setHorizontalHeaderLabels(["Key", "What it does"])
        for n, (key, text) in enumerate(rows):
            table.setItem(n, 0, QTableWidgetItem(key))
            table.setItem(n, 1, QTableWidgetItem(text))
        # Keys as wide as the longest key; what they do takes the rest and wraps, never cut.
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.setWordWrap(True)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.verticalHeader().hide()
        table.resizeRowsToContents()
        layout.addWidget(table)
        if about is not None:
            # This list is where a person looks for help: the About box is a key away.
            def to_about() -> None:
                self.accept()
                about()
            button = QPushButton(f"{ABOUT_TITLE}  (Shift+F1)")
            button.clicked.connect(to_about)
            layout.addWidget(button)
            bind_key(self, "Shift+F1", to_about)
        close = QPushButton("Close  (Esc)")
        close.clicked.connect(self.accept)
        layout.addWidget(close)
        self.resize(640, 520)


class MainWindow(QMainWindow):
    """Sign-in page or the work area, with navigation down the left."""

    def __init__(self, ctx: AppContext, screens: Sequence[ScreenSpec],
                 *, idle_minutes: int = DEFAULT_IDLE_MINUTES) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"Warranty Desk · {ctx.shop.name} · {ctx.shop.branch_code}")
        self.resize(DEFAULT_SIZE)
        self.setMinimumSize(SMALLEST_SIZE)
        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
        self.banner: Label | None = None  # made by warn_always, when there is one
        self.sign_in = SignInScreen(ctx)
        self.pages.addWidget(self.sign_in)
        self.first_run = FirstRunScreen(ctx)
        self.pages.addWidget(self.first_run)

        self.work = QWidget()
        row = QHBoxLayout(self.work)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(230)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(self.nav)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        self.stack = ScreenStack(ctx, screens)
        right.addWidget(self.stack, 1)
        self.notice = Label("")
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        right.addWidget(self.notice)
        row.addLayout(right, 1)
        self.pages.addWidget(self.work)

        self.sync_status = SyncIndicator(ctx)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.print_queue = QueueIndicator(ctx)
        self.statusBar().addPermanentWidget(self.print_queue)
        self.who = Label("")
        self.statusBar().addPermanentWidget(self.who)
        self.lock_button = QPushButton("Lock  (Ctrl+L)")
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lock_button.clicked.connect(self.lock)
        self.statusBar().addPermanentWidget(self.lock_button)

        # Built here so its signals are wired with the rest; its thread starts in start_sync.
        self.sync_worker = SyncWorker(ctx.home, ctx.db)
        self.sync_news = SyncNews(self.sync_worker, ctx.db.clock)
        self.sync_panel: SyncPanelScreen | None = None  # once someone opened it

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(max(1, idle_minutes) * 60_000)
        self.idle.timeout.connect(self.lock)
        self._idle_watch = _IdleWatch(self.idle)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self._hide_notice)
        self.scanners: Scanners | None = None
        self._connect_signals()
        self._show_sign_in()

    def _connect_signals(self) -> None:
        # Sign-in and lock.
        self.sign_in.signed_in.connect(self._on_sign_in_signed_in)
        self.first_run.created.connect(self._show_sign_in)
        bind_key(self, "Ctrl+L", self.lock)
        # Navigation; a screen is built the first time it is shown.
        self.nav.currentRowChanged.connect(self._on_nav_row_changed)
        for spec in self.stack.specs:
            if spec.shortcut:
                bind_key(self, spec.shortcut, partial(self.show_screen, spec.name))
        self.stack.built.connect(self._on_stack_built)
        bind_key(self, "F1", self.show_help)
        bind_key(self, "Shift+F1", self.show_about)  # on the sign-in page too
        # Prints waiting for their printer: the status bar button opens the queue.
        self.print_queue.clicked.connect(
            lambda: self._on_ctx_navigate("PrintQueueScreen", None))
        # Sync with head office: the worker's news goes to the status bar and the Sync panel;
        # the indicator (like the F10 key) opens the panel, whose Sync now asks the worker.
        worker, indicator = self.sync_worker, self.sync_status
        worker.cycle_started.connect(indicator.show_syncing)
        worker.cycle_done.connect(indicator.show_report)
        worker.failed.connect(indicator.show_failure)
        worker.set_up.connect(indicator.show_set_up)
        self.ctx.signed_in.connect(indicator.signed_in)
        self.ctx.signed_out.connect(indicator.signed_out)
        indicator.clicked.connect(self._on_sync_status_clicked)
        # Notices from any screen or worker; screens opening each other.
        self.ctx.notice.connect(self._on_ctx_notice)
        self.ctx.navigate.connect(self._on_ctx_navigate)
        # Settings saved elsewhere take effect here at once.
        self.ctx.data_changed.connect(self._on_ctx_data_changed)

    def _on_stack_built(self, screen: Screen) -> None:
        # The Sync panel, once built, hears the worker's news (and what it missed) and asks it
        # for cycles.
        if type(screen).__name__ != "SyncPanelScreen":
            return
        from ui.screens.sync_panel import SyncPanelScreen  # loaded already: it was just built

        assert isinstance(screen, SyncPanelScreen)
        self.sync_panel = screen
        self.sync_news.replay(screen)
        self.sync_worker.cycle_done.connect(screen.show_report)
        self.sync_worker.failed.connect(screen.show_failure)
        screen.sync_requested.connect(self.sync_worker.sync_now)

    def fit_to_screen(self, work_area: QRect) -> None:
        """Open as large as the screen's work area holds with the window's frame (at most
        LARGEST_SIZE), centred on it: a 1366×768 screen with its taskbar shows it all."""
        size = fitted_size(work_area.size())
        self.setMinimumSize(SMALLEST_SIZE.boundedTo(size))
        self.resize(size)
        outer = size + DECORATION
        self.move(work_area.x() + max(0, (work_area.width() - outer.width()) // 2),
                  work_area.y() + max(0, (work_area.height() - outer.height()) // 2))

    def _on_sync_status_clicked(self) -> None:
        # Only those who may open the panel are told the indicator opens it.
        if self.sync_status.manages_sync():
            self._on_ctx_navigate("SyncPanelScreen", None)

    def start_scanners(self, app: QApplication, settings: ScannerSettings) -> None:
        """Scans from the keyboard wedge and the serial port go to the current screen."""
        self.scanners = Scanners(self, settings)
        self.scanners.hub.scanned.connect(self.route_scan)
        self.scanners.hub.status.connect(self._on_scanners_status)
        self.scanners.start(app)

    def start_sync(self) -> None:
        """Start the sync worker: a first cycle now, then one every interval while set up."""
        self.sync_worker.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A cycle in flight is waited for briefly; the next start picks up where it stopped.
        self.sync_worker.stop()
        if self.pages.currentWidget() is self.first_run:
            self.first_run.keep_typing()  # the setup comes back with what was typed
        super().closeEvent(event)

    def close_for_good(self) -> None:
        """Wait for its work, close it and its database, and delete it now: its timers (the
        idle lock, the print queue's count) must not read a database that may be gone."""
        self.ctx.tasks.wait()
        app = QApplication.instance()
        if app is not None:  # the idle watch would go on filtering every event
            app.removeEventFilter(self._idle_watch)
        # Closing on the setup writes what was typed there: disposed before, the database
        # would open a new connection for that write and keep it.
        self.close()
        self.ctx.db.dispose()
        self.deleteLater()
        # Without an event loop, deferred deletes only happen when sent explicitly.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)

    def _on_scanners_status(self, level: str, text: str) -> None:
        self.notify(text, STATUS_LEVELS.get(level, level))

    def _landing_row(self) -> int:
        """The screen a person lands on: the Counter for whoever may look warranties up; anyone
        else (a supplier contact) on the first screen of their own work, not a Counter that
        refuses every lookup."""
        listed = self.stack.listed()
        if self.ctx.may(Permission.LOOKUP):
            return 0
        return next((n for n, spec in enumerate(listed) if spec.permissions), 0)

    def _on_sign_in_signed_in(self, actor: Actor) -> None:
        self.ctx.sign_in(actor)
        self.who.setText(f"Signed in: {actor.name} ({ROLE_LABELS[actor.role]})")
        self.nav.blockSignals(True)
        self.nav.clear()
        for spec in self.stack.listed():
            item = QListWidgetItem(f"{spec.title}   {spec.shortcut}")
            item.setData(Qt.ItemDataRole.UserRole, spec.name)
            self.nav.addItem(item)
        self.nav.blockSignals(False)
        self.pages.setCurrentWidget(self.work)
        self.lock_button.show()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._idle_watch)
        self.idle.start()
        self.nav.setCurrentRow(self._landing_row())
        self.notify(f"Welcome, {actor.name}.", "success")

    def _on_nav_row_changed(self, row: int) -> None:
        listed = self.stack.listed()
        if 0 <= row < len(listed):
            self._activate(self.stack.screen_for(listed[row].name))

    def _activate(self, screen: Screen) -> None:
        # A notice is about the screen it came from: it goes when that screen does.
        if self.stack.currentWidget() is not screen:
            self._hide_notice()
        self.stack.setCurrentWidget(screen)
        screen.activated()

    def show_screen(self, screen: type[Screen] | str) -> Screen | None:
        """Switch to a screen by its class (or class name), if the signed-in person may use it."""
        if self.ctx.actor is None:
            return None
        name = screen if isinstance(screen, str) else screen.__name__
        for n, spec in enumerate(self.stack.listed()):
            if spec.name == name:
                if self.nav.currentRow() == n:
                    self._activate(self.stack.screen_for(name))
                else:
                    self.nav.setCurrentRow(n)
                return self.stack.screen_for(name)
        if any(spec.name == name for spec in self.stack.available()):
            self.nav.blockSignals(True)
            self.nav.clearSelection()
            self.nav.setCurrentRow(-1)
            self.nav.blockSignals(False)
            shown = self.stack.screen_for(name)
            self._activate(shown)
            return shown
        known = self.stack.spec(name)
        title = known.title if known is not None else getattr(screen, "title", name)
        self.notify(f"{title} is not available to your role.", "warning")
        return None

    def _on_ctx_data_changed(self, what: str) -> None:
        # Any change may add records to send (a sale, a claim) or settle some (a retry).
        self.sync_status.refresh()
        if what == "settings":
            self.setWindowTitle(f"Warranty Desk · {self.ctx.shop.name} · "
                                f"{self.ctx.shop.branch_code}")
        elif what == "config":
            from warranty_desk import config

            settings = config.load(self.ctx.home).settings
            self.idle.setInterval(max(1, settings.idle_minutes) * 60_000)
            if self.scanners is not None:
                self.scanners.apply(settings.scanner)
            self.sync_worker.reload()

    def _on_ctx_navigate(self, name: str, payload: object) -> None:
        if self.stack.spec(name) is None:
            self.notify(f"{name} is not available in this build.", "warning")
            return
        shown = self.show_screen(name)
        if shown is not None:
            shown.open(payload)

    def current_screen(self) -> Screen | None:
        return self.stack.current()

    def lock(self) -> None:
        """Back to sign-in, every screen cleared: the next person sees nothing of this one."""
        if self.ctx.actor is None:
            return
        self.ctx.sign_out()
        self.idle.stop()
        self.who.setText("")
        self._clear_for_sign_out()
        self._show_sign_in()

    def _clear_for_sign_out(self) -> None:
        # A dialog left open (a cost half typed, a decision) goes first: a dialog run with
        # exec() returns once this is done, and its screen sees nobody is signed in.
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        self._hide_notice()
        self.nav.blockSignals(True)
        self.nav.clear()
        self.nav.blockSignals(False)
        for screen in self.stack.built_screens():
            screen.clear_for_sign_out()

    def _show_sign_in(self) -> None:
        self.lock_button.hide()
        self.sign_in.refresh()
        if not setup_progress(self.ctx.db).finished:
            # A new shop, or a setup left half-way: it comes back at the step reached.
            self.pages.setCurrentWidget(self.first_run)
            self.first_run.refresh()
        else:
            self.pages.setCurrentWidget(self.sign_in)

    def _on_ctx_notice(self, text: str, level: str) -> None:
        self.notify(text, level)

    def _hide_notice(self) -> None:
        self._notice_timer.stop()
        self.notice.hide()
        self.notice.setText("")

    def warn_always(self, text: str) -> None:
        """A problem that stays above every page, sign-in included, until the app closes (the
        shop's database found damaged): a notice would wait for a screen, and go with it."""
        if self.banner is None:
            self.banner = Label("")
            self.banner.setObjectName("notice")
            self.banner.setWordWrap(True)
            body = QWidget()
            column = QVBoxLayout(body)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(self.banner)
            self.takeCentralWidget()  # the pages move under the banner, not deleted
            column.addWidget(self.pages, 1)
            self.setCentralWidget(body)
            body.show()  # a child given to a window already on screen is not shown by itself
        show_level(self.banner, text, "error")
        self.banner.show()

    def notify(self, text: str, level: str = "info") -> None:
        """A visible confirmation or error under the screen; errors stay until the next one."""
        show_level(self.notice, text, level)
        self.notice.show()
        if level in ("success", "info"):
            self._notice_timer.start(8000)
        else:
            self._notice_timer.stop()

    def help_rows(self) -> list[tuple[str, str]]:
        """The keys of the screen shown first (what F1 is pressed for), then those that work
        everywhere."""
        current = self.current_screen()
        rows = current.help_rows() if current is not None else []
        rows += [("F1", "This list of shortcuts"),
                 ("Shift+F1", f"{ABOUT_TITLE}: version, database schema, folders"),
                 ("Ctrl+L", "Lock the counter")]
        rows += [(s.shortcut, f"Go to {s.title}") for s in self.stack.listed()]
        return rows

    def show_help(self) -> None:
        HelpOverlay(self, self.help_rows(), about=self.show_about).exec()

    def show_about(self) -> AboutBox:
        """The About box; not waited for, so a lock closes it like any other dialog."""
        box = AboutBox(self, self.ctx.home)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def route_scan(self, text: str) -> None:
        """A scanner read: the screen, else the focused text field, else the counter takes it.

        Going to the counter asks first when the screen would lose what was typed on it.
        """
        if self.pages.currentWidget() is self.first_run:
            self.first_run.handle_scan(text)  # the setup's scanner test, before any sign-in
            return
        if self.ctx.actor is None:
            return
        self.idle.start()  # a scan is activity too
        current = self.current_screen()
        if current is not None and current.handle_scan(text):
            return
        modal, focus = QApplication.activeModalWidget(), QApplication.focusWidget()
        in_modal = modal is not None and focus is not None and modal.isAncestorOf(focus)
        if (modal is None or in_modal) and type_into_focus(text):
            return
        if modal is not None:
            # Switching screens behind an open dialog would leave the person lost in both.
            self.notify("A scan came in while a window is open. Close the window, then scan "
                        "again.", "warning")
            return
        what = current.unsaved_work() if current is not None else ""
        if what and not ask_to_leave(self, text, what):
            return
        if self.stack.spec(COUNTER) is not None:
            shown = self.show_screen(COUNTER)
            if shown is not None:
                shown.handle_scan(text)
