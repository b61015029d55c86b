"""The main window: sign-in, navigation, the screens, notices, shortcuts and auto-lock."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
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

from ui.context import AppContext
from ui.printing.indicator import QueueIndicator
from ui.scanners import STATUS_LEVELS, Scanners
from ui.screens.base import Screen
from ui.screens.first_run import FirstRunScreen
from ui.screens.sign_in import SignInScreen
from ui.screens.sync_panel import SyncPanelScreen
from ui.sync.status import SyncIndicator
from ui.sync.worker import SyncWorker
from ui.widgets.styling import show_level
from warranty_desk.config import ScannerSettings
from warranty_desk.permissions import ROLE_LABELS, Actor

# Minutes without a key or click before the app locks itself; the counter is public.
DEFAULT_IDLE_MINUTES = 5


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

    def __init__(self, parent: QWidget, rows: Sequence[tuple[str, str]]) -> None:
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
        close = QPushButton("Close  (Esc)")
        close.clicked.connect(self.accept)
        layout.addWidget(close)
        self.resize(640, 520)


class MainWindow(QMainWindow):
    """Sign-in page or the work area, with navigation down the left."""

    def __init__(self, ctx: AppContext, screens: Sequence[type[Screen]],
                 *, idle_minutes: int = DEFAULT_IDLE_MINUTES) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"Warranty Desk · {ctx.shop.name} · {ctx.shop.branch_code}")
        self.resize(1280, 800)
        self.setMinimumSize(1000, 700)
        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
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
        self.stack = QStackedWidget()
        right.addWidget(self.stack, 1)
        self.notice = QLabel("")
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
        self.who = QLabel("")
        self.statusBar().addPermanentWidget(self.who)
        lock = QPushButton("Lock  (Ctrl+L)")
        lock.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lock.clicked.connect(self.lock)
        self.statusBar().addPermanentWidget(lock)

        self.screens: list[Screen] = [cls(ctx) for cls in screens]
        for screen in self.screens:
            self.stack.addWidget(screen)
        self.sync_panel = next((s for s in self.screens if isinstance(s, SyncPanelScreen)), None)
        # Built here so its signals are wired with the rest; its thread starts in start_sync.
        self.sync_worker = SyncWorker(ctx.home, ctx.db, today=ctx.today)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(max(1, idle_minutes) * 60_000)
        self.idle.timeout.connect(self.lock)
        self._idle_watch = _IdleWatch(self.idle)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        self.scanners: Scanners | None = None
        self._connect_signals()
        self._show_sign_in()

    def _connect_signals(self) -> None:
        # Sign-in and lock.
        self.sign_in.signed_in.connect(self._on_sign_in_signed_in)
        self.first_run.created.connect(self._show_sign_in)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.lock)
        # Navigation.
        self.nav.currentRowChanged.connect(self._on_nav_row_changed)
        for screen in self.screens:
            if screen.shortcut:
                QShortcut(QKeySequence(screen.shortcut), self,
                          activated=lambda s=screen: self.show_screen(type(s)))
        QShortcut(QKeySequence("F1"), self, activated=self.show_help)
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
        indicator.clicked.connect(lambda: self._on_ctx_navigate("SyncPanelScreen", None))
        if self.sync_panel is not None:
            worker.cycle_done.connect(self.sync_panel.show_report)
            worker.failed.connect(self.sync_panel.show_failure)
            self.sync_panel.sync_requested.connect(worker.sync_now)
        # Notices from any screen or worker; screens opening each other.
        self.ctx.notice.connect(self._on_ctx_notice)
        self.ctx.navigate.connect(self._on_ctx_navigate)
        # Settings saved elsewhere take effect here at once.
        self.ctx.data_changed.connect(self._on_ctx_data_changed)

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
        super().closeEvent(event)

    def _on_scanners_status(self, level: str, text: str) -> None:
        self.notify(text, STATUS_LEVELS.get(level, level))

    def _visible_screens(self) -> list[Screen]:
        return [s for s in self.screens if s.available()]

    def _nav_screens(self) -> list[Screen]:
        # Screens without a shortcut need a record to show (a claim, a verdict): not listed.
        return [s for s in self._visible_screens() if s.shortcut]

    def _on_sign_in_signed_in(self, actor: Actor) -> None:
        self.ctx.sign_in(actor)
        self.who.setText(f"Signed in: {actor.name} ({ROLE_LABELS[actor.role]})")
        self.nav.blockSignals(True)
        self.nav.clear()
        for screen in self._nav_screens():
            item = QListWidgetItem(f"{screen.title}" + (f"   {screen.shortcut}"
                                                        if screen.shortcut else ""))
            item.setData(Qt.ItemDataRole.UserRole, type(screen).__name__)
            self.nav.addItem(item)
        self.nav.blockSignals(False)
        self.pages.setCurrentWidget(self.work)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._idle_watch)
        self.idle.start()
        self.nav.setCurrentRow(0)
        self.notify(f"Welcome, {actor.name}.", "success")

    def _on_nav_row_changed(self, row: int) -> None:
        listed = self._nav_screens()
        if 0 <= row < len(listed):
            screen = listed[row]
            self.stack.setCurrentWidget(screen)
            screen.activated()

    def show_screen(self, cls: type[Screen]) -> Screen | None:
        """Switch to a screen by its class, if the signed-in person may use it."""
        if self.ctx.actor is None:
            return None
        for n, screen in enumerate(self._nav_screens()):
            if isinstance(screen, cls):
                if self.nav.currentRow() == n:
                    self.stack.setCurrentWidget(screen)
                    screen.activated()
                else:
                    self.nav.setCurrentRow(n)
                return screen
        for screen in self._visible_screens():
            if isinstance(screen, cls):
                self.nav.blockSignals(True)
                self.nav.clearSelection()
                self.nav.setCurrentRow(-1)
                self.nav.blockSignals(False)
                self.stack.setCurrentWidget(screen)
                screen.activated()
                return screen
        self.notify(f"{cls.title} is not available to your role.", "warning")
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
        for screen in self.screens:
            if type(screen).__name__ == name:
                shown = self.show_screen(type(screen))
                if shown is not None:
                    shown.open(payload)
                return
        self.notify(f"{name} is not available in this build.", "warning")

    def current_screen(self) -> Screen | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Screen) else None

    def lock(self) -> None:
        """Back to sign-in; the next person signs in with their own PIN."""
        if self.ctx.actor is None:
            return
        self.ctx.sign_out()
        self.idle.stop()
        self.who.setText("")
        self._show_sign_in()

    def _show_sign_in(self) -> None:
        self.sign_in.refresh()
        if self.sign_in.names.count() == 0:
            self.pages.setCurrentWidget(self.first_run)
        else:
            self.pages.setCurrentWidget(self.sign_in)

    def _on_ctx_notice(self, text: str, level: str) -> None:
        self.notify(text, level)

    def notify(self, text: str, level: str = "info") -> None:
        """A visible confirmation or error under the screen; errors stay until the next one."""
        show_level(self.notice, text, level)
        self.notice.show()
        if level in ("success", "info"):
            self._notice_timer.start(8000)
        else:
            self._notice_timer.stop()

    def help_rows(self) -> list[tuple[str, str]]:
        rows = [("F1", "This list of shortcuts"), ("Ctrl+L", "Lock the counter")]
        rows += [(s.shortcut, f"Go to {s.title}") for s in self._nav_screens()]
        current = self.current_screen()
        if current is not None:
            rows += list(current.help_keys)
        return rows

    def show_help(self) -> None:
        HelpOverlay(self, self.help_rows()).exec()

    def route_scan(self, text: str) -> None:
        """A scanner read: the current screen takes it, else the counter looks it up."""
        if self.ctx.actor is None:
            return
        self.idle.start()  # a scan is activity too
        current = self.current_screen()
        if current is not None and current.handle_scan(text):
            return
        for screen in self.screens:
            if type(screen).__name__ == "CounterScreen":
                shown = self.show_screen(type(screen))
                if shown is not None:
                    shown.handle_scan(text)
                return
