"""The Sync panel: each receiver's progress, refused events to retry or dismiss, inbox problems."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from ui.context import AppContext
from ui.keys import IN_WIDGET_AND_CHILDREN, ON_WIDGET, bind_key
from ui.screens.base import Screen
from ui.sync.panel_models import (
    DestinationModel,
    InboxModel,
    ParkedModel,
    receiver_words,
    record_words,
    topic_words,
)
from ui.sync.status import SYNC_KEY, SyncSnapshot, alone_line, clock_words, read_snapshot
from ui.widgets.labels import Label
from ui.widgets.record_view import fit_columns, record_view
from ui.widgets.styling import show_level
from warranty_desk.permissions import Permission
from warranty_desk.services import inbox, sync_admin
from warranty_desk.services.inbox import REQUEST_KINDS, AppliedResult
from warranty_desk.services.sync_admin import ParkedView

SYNC_NOW_KEY = "Ctrl+Shift+Y"
# What ctx.data_changed says after a retry or dismiss, so the indicator recounts.
SYNC_CHANGED = "sync"
NOT_SET_UP = ("Sync is not set up on this till, so nothing goes to head office yet. Type the "
              "portal address and token head office gave you under Settings > Sync.")


def _fit_height(view: QTableView) -> None:
    # A receiver or two (and the nightly report): as tall as its rows, so the tables below get
    # the room.
    rows = sum(view.rowHeight(n) for n in range(view.model().rowCount()))
    view.setFixedHeight(view.horizontalHeader().sizeHint().height() + max(rows, 24)
                        + 2 * view.frameWidth())


def _section(text: str) -> QLabel:
    label = Label(text)
    label.setObjectName("section")
    label.setWordWrap(True)
    return label


def ask_reason(parent: QWidget, event: ParkedView) -> str | None:
    """Why a refused event is given up (kept in the audit log); None when the person stops."""
    text, ok = QInputDialog.getText(
        parent, "Dismiss the refused event",
        f"{topic_words(event.topic)} for {record_words(event.aggregate, event.aggregate_id)} "
        f"will never reach {receiver_words(event.destination).lower()}.\n"
        "Why? (kept in the audit log; for example: head office entered it by hand)")
    return text if ok else None


def ask_handled(parent: QWidget, item: AppliedResult) -> str | None:
    """What was done about an inbox item the till could not use; None when the person stops."""
    what = item.kind.replace('_', ' ')
    said = (f"Customer request {item.item_id} ({what}) waits for a person.\n"
            "What was done? (kept in the audit log; for example: extension sold at the "
            "counter, customer called and declined)" if item.kind in REQUEST_KINDS else
            f"Inbox item {item.item_id} ({what}) could not be used here.\n"
            "What was done? (kept in the audit log; for example: claim started at the counter, "
            "head office asked to correct it)")
    text, ok = QInputDialog.getText(parent, "Mark the inbox item as dealt with", said)
    return text if ok else None


class SyncPanelScreen(Screen):
    """What reached head office and what did not, and the few things only a person can settle."""

    title = "Sync"
    shortcut = SYNC_KEY
    permission = Permission.MANAGE_SYNC
    help_keys = (
        (SYNC_NOW_KEY, "Sync now"),
        ("Enter", "Send the selected refused event again"),
        ("Del", "Dismiss the selected refused event (asks why), or mark the selected inbox "
                "item dealt with (asks what was done)"),
        ("Ctrl+R", "Reload the lists"),
    )

    # The main window hands these to the sync worker.
    sync_requested = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ask_reason: Callable[[QWidget, ParkedView], str | None] = ask_reason
        self.ask_handled: Callable[[QWidget, AppliedResult], str | None] = ask_handled
        self.snapshot: SyncSnapshot | None = None
        self.last_message = ""  # the last cycle's line, and when and how it ended
        self.last_at = ""
        self.last_online = True
        self.last_failed = False
        self._asked = False  # a "Sync now" from here waits for its answer
        layout = self.page_layout()

        self.summary = Label("")
        self.summary.setObjectName("notice")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        self.setup_button = QPushButton("Set up sync in Settings…")
        self.setup_button.setObjectName("primary")
        self.setup_button.hide()
        row.addWidget(self.setup_button)
        self.sync_button = QPushButton(f"Sync now  ({SYNC_NOW_KEY})")
        self.sync_button.setObjectName("primary")
        row.addWidget(self.sync_button)
        self.reload_button = QPushButton("Reload  (Ctrl+R)")
        row.addWidget(self.reload_button)
        row.addStretch(1)
        layout.addLayout(row)

        destinations_heading = _section("Where this till sends its records")
        layout.addWidget(destinations_heading)
        self.destination_model = DestinationModel(ctx.shop.timezone)
        self.destinations = record_view(self.destination_model, "syncDestinations")
        self.destinations.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.destinations.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.destinations)

        self.parked_heading = _section("")
        layout.addWidget(self.parked_heading)
        self.parked_model = ParkedModel(ctx.shop.timezone)
        self.parked = record_view(self.parked_model, "syncParked")
        layout.addWidget(self.parked, 1)
        self.reason = Label("")
        self.reason.setObjectName("notice")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.hide()
        layout.addWidget(self.reason)
        actions = QHBoxLayout()
        self.retry_button = QPushButton("Send again  (Enter)")
        self.dismiss_button = QPushButton("Dismiss…  (Del)")
        actions.addWidget(self.retry_button)
        actions.addWidget(self.dismiss_button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.inbox_heading = _section("")
        layout.addWidget(self.inbox_heading)
        self.inbox_model = InboxModel(ctx.shop.timezone)
        self.inbox = record_view(self.inbox_model, "syncInbox")
        self.inbox.setWordWrap(True)  # what happened is a sentence or two: shown whole
        layout.addWidget(self.inbox, 1)
        inbox_actions = QHBoxLayout()
        self.handled_button = QPushButton("Dealt with…  (Del)")
        self.handled_button.setToolTip("Say what was done about the selected item; it leaves "
                                       "the list, and the audit log keeps your words")
        inbox_actions.addWidget(self.handled_button)
        inbox_actions.addStretch(1)
        layout.addLayout(inbox_actions)
        # Hidden on a till that never synced: empty tables would only puzzle.
        self.details: tuple[QWidget, ...] = (
            destinations_heading, self.destinations, self.parked_heading, self.parked,
            self.retry_button, self.dismiss_button, self.inbox_heading, self.inbox,
            self.handled_button)
        self.blank = QWidget()
        self.blank.hide()
        layout.addWidget(self.blank, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        # Syncing and reloading, from anywhere on the panel.
        self.sync_button.clicked.connect(self.sync_now)
        self.reload_button.clicked.connect(self.refresh)
        self.setup_button.clicked.connect(
            lambda: self.ctx.navigate.emit("SettingsScreen", "Sync"))
        for chord, slot in ((SYNC_NOW_KEY, self.sync_now), ("Ctrl+R", self.refresh)):
            bind_key(self, chord, slot, where=IN_WIDGET_AND_CHILDREN)
        # Acting on the selected refused event, by button or key (keys only in its table).
        self.retry_button.clicked.connect(self.retry_selected)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        for key, slot in ((Qt.Key.Key_Return, self.retry_selected),
                          (Qt.Key.Key_Enter, self.retry_selected),
                          (Qt.Key.Key_Delete, self.dismiss_selected)):
            bind_key(self.parked, key, slot, where=ON_WIDGET)
        self.parked.doubleClicked.connect(lambda _index: self.retry_selected())
        # Marking the selected inbox item dealt with, by button or Del in its table.
        self.handled_button.clicked.connect(self.mark_selected_handled)
        bind_key(self.inbox, Qt.Key.Key_Delete, self.mark_selected_handled, where=ON_WIDGET)
        self.parked.selectionModel().selectionChanged.connect(self._on_parked_selection_changed)
        # Retries and dismissals made here (or by another admin's action) show at once.
        self.ctx.data_changed.connect(self._on_ctx_data_changed)

    # --- What the main window feeds it -------------------------------------------------------

    def show_report(self, report: object, at: datetime | None = None) -> None:
        """A sync cycle ended (at `at`, else now): its line in the summary, a notice if asked."""
        online = bool(getattr(report, "online", False))
        self._remember(str(getattr(report, "message", "")) or "Sync finished.", online=online,
                       failed=False, at=at)
        if self._asked:
            self._asked = False
            self.ctx.notice.emit(self.last_message, "success" if online else "warning")
        if self.isVisible():
            self.refresh()

    def show_failure(self, text: str, at: datetime | None = None) -> None:
        """The worker could not sync: said in the summary, and as a notice if it was asked for."""
        self._remember(text, online=self.last_online, failed=True, at=at)
        if self._asked:
            self._asked = False
            self.ctx.notice.emit(text, "error")
        if self.isVisible():
            self.refresh()

    def _remember(self, message: str, *, online: bool, failed: bool,
                  at: datetime | None) -> None:
        self.last_message, self.last_online, self.last_failed = message, online, failed
        now = self.ctx.db.clock.now()
        self.last_at = clock_words(at or now, self.ctx.shop.timezone, now)

    # --- Showing -----------------------------------------------------------------------------

    def activated(self) -> None:
        self.refresh()
        if self.parked_model.rowCount():
            self.parked.setFocus()
        else:
            (self.sync_button if self.sync_button.isVisible() else self.setup_button).setFocus()

    def clear_for_sign_out(self) -> None:
        # Refused events and inbox items name claims and customers: reloaded for the next one.
        for model in (self.destination_model, self.parked_model, self.inbox_model):
            model.set_rows(())
        self.reason.setText("")
        self.reason.hide()
        self.summary.setText("")
        self._asked = False

    def _on_ctx_data_changed(self, what: str) -> None:
        if self.isVisible() and what != "config":
            self.refresh()

    def refresh(self) -> None:
        """Reload the receivers, the refused events and the inbox items off the GUI thread."""
        actor = self.ctx.actor
        if actor is None:
            return
        home, db = self.ctx.home, self.ctx.db
        self.ctx.run(lambda: (read_snapshot(home, db, actor), sync_admin.parked(db),
                              inbox.unsettled(db, actor)), self._show)

    def _show(self, lists: tuple[SyncSnapshot, list[ParkedView], tuple[AppliedResult, ...]]
              ) -> None:
        snapshot, parked, items = lists
        self.snapshot = snapshot
        kept = self.selected_event()
        self.destination_model.set_rows(
            (*snapshot.destinations, *((snapshot.nightly,) if snapshot.nightly else ())))
        self.parked_model.set_rows(parked)
        self.inbox_model.set_rows(items)
        for view in (self.destinations, self.parked, self.inbox):
            fit_columns(view)  # a long reason is cut short, its tooltip has it whole
        _fit_height(self.destinations)
        self.inbox.resizeRowsToContents()
        if parked:
            rows = [n for n, p in enumerate(parked)
                    if kept and (p.destination, p.seq) == (kept.destination, kept.seq)]
            self.parked.selectRow(rows[0] if rows else 0)
        for button in (self.retry_button, self.dismiss_button):
            button.setEnabled(bool(parked))
        self.handled_button.setEnabled(any(i.status == "problem" for i in items))
        shown = snapshot.set_up or bool(parked or items or snapshot.destinations)
        for widget in self.details:
            widget.setVisible(shown)
        self.blank.setVisible(not shown)
        self.setup_button.setVisible(not snapshot.set_up)
        self.sync_button.setVisible(snapshot.set_up)
        self._say_summary(snapshot)
        self._say_counts(parked, items)
        self._on_parked_selection_changed()

    def _say_summary(self, snapshot: SyncSnapshot) -> None:
        if not snapshot.set_up:
            show_level(self.summary, NOT_SET_UP, "info")
            return
        lines = []
        if self.last_message:
            lines.append(f"Last sync at {self.last_at}: {self.last_message}")
        if snapshot.alone:
            lines.append(alone_line(snapshot))
        elif snapshot.waiting:
            many = snapshot.waiting != 1
            lines.append(f"{snapshot.waiting} record change{'s wait' if many else ' waits'} to "
                         "be sent.")
        elif snapshot.attention:
            lines.append("Everything else made at this till has been sent; the items below "
                         "need you.")
        else:
            lines.append("Everything made at this till has been sent.")
        if snapshot.messages_failed:
            many = snapshot.messages_failed != 1
            lines.append(f"{snapshot.messages_failed} message{'s' if many else ''} to customers "
                         f"{'were' if many else 'was'} not delivered: open the claim's Messages "
                         "tab to send again or as a letter.")
        every = snapshot.interval_minutes
        lines.append(f"Sync runs by itself every {every} minute{'s' if every != 1 else ''}, "
                     f"and at once with Sync now ({SYNC_NOW_KEY}).")
        if self.last_failed:
            level = "error"
        elif (snapshot.attention or snapshot.waiting or snapshot.messages_failed
              or not self.last_online):
            level = "warning"
        else:
            level = "success"
        show_level(self.summary, "\n".join(lines), level)

    def _say_counts(self, parked: list[ParkedView], items: tuple[AppliedResult, ...]) -> None:
        refused = sum(1 for p in parked if p.kind == "rejected")
        held = len(parked) - refused
        if parked:
            behind = (f", and {held} more held back behind {'it' if refused == 1 else 'them'}"
                      if held else "")
            self.parked_heading.setText(
                f"Refused by head office or the CRM: {refused} record change"
                f"{'s' if refused != 1 else ''}{behind}. Once the receiver's side is fixed, "
                "press Enter to send it again, or Del to give it up.")
        else:
            self.parked_heading.setText("Refused by head office or the CRM: none.")
        if items:
            self.inbox_heading.setText(
                f"From head office but not applied here: {len(items)} item"
                f"{'s' if len(items) != 1 else ''}. Waiting ones are tried again at each sync. "
                "The others stay here until you deal with them (start the claim at the "
                "counter, or ask head office to correct the item), then press Del to say "
                "what was done.")
        else:
            self.inbox_heading.setText("From head office but not applied here: none.")

    def _on_parked_selection_changed(self) -> None:
        event = self.selected_event()
        self.reason.setVisible(event is not None)
        if event is not None:
            who = receiver_words(event.destination)
            what = (f"“{topic_words(event.topic)}” for "
                    f"{record_words(event.aggregate, event.aggregate_id)} (event {event.seq})")
            said = (f"{who} refused {what}" if event.kind == "rejected"
                    else f"{what} waits for {who.lower()}")
            show_level(self.reason, f"{said}: {event.reason}", "warning")

    def selected_event(self) -> ParkedView | None:
        """The refused event selected in its table."""
        selection = self.parked.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        return self.parked_model.row(rows[0].row()) if rows else None

    # --- Acting ------------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Ask the worker for a cycle now; its answer comes back as a notice."""
        self._asked = True
        alone = self.snapshot is not None and self.snapshot.alone
        self.ctx.notice.emit("Sending messages to customers now…" if alone
                             else "Syncing with head office now…", "info")
        self.sync_requested.emit()

    def retry_selected(self) -> None:
        """Send the selected refused event again (after head office fixed its side)."""
        event = self.selected_event()
        if event is None:
            self.ctx.notice.emit("Select a refused event first.", "warning")
            return
        actor, db = self.ctx.require_actor(), self.ctx.db

        def done(view: ParkedView) -> None:
            self.ctx.data_changed.emit(SYNC_CHANGED)
            self.ctx.notice.emit(
                f"{topic_words(view.topic)} for {record_words(view.aggregate, view.aggregate_id)}"
                f" is sent to {receiver_words(view.destination).lower()} again now.", "success")
            self.sync_requested.emit()

        self.ctx.run(lambda: sync_admin.retry_parked(db, actor, event.destination, event.seq),
                     done)

    def selected_item(self) -> AppliedResult | None:
        """The inbox item selected in its table."""
        selection = self.inbox.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        return self.inbox_model.row(rows[0].row()) if rows else None

    def mark_selected_handled(self) -> None:
        """Say what was done about the selected inbox item the till could not use (audited)."""
        item = self.selected_item()
        if item is None or item.status != "problem":
            self.ctx.notice.emit("Select an inbox item that could not be used first (waiting "
                                 "ones are tried again by themselves).", "warning")
            return
        note = self.ask_handled(self, item)
        if note is None:
            self.ctx.notice.emit("Nothing marked.", "info")
            return
        actor, db = self.ctx.require_actor(), self.ctx.db

        def done(view: AppliedResult) -> None:
            self.ctx.data_changed.emit(SYNC_CHANGED)
            self.ctx.notice.emit(f"Inbox item {view.item_id} is marked as dealt with; your "
                                 "words are in the audit log.", "success")

        self.ctx.run(lambda: inbox.mark_handled(db, actor, item.item_id, note), done)

    def dismiss_selected(self) -> None:
        """Give up the selected refused event, with the reason asked for (audited)."""
        event = self.selected_event()
        if event is None:
            self.ctx.notice.emit("Select a refused event first.", "warning")
            return
        reason = self.ask_reason(self, event)
        if reason is None:
            self.ctx.notice.emit("Nothing dismissed.", "info")
            return
        actor, db = self.ctx.require_actor(), self.ctx.db

        def done(view: ParkedView) -> None:
            self.ctx.data_changed.emit(SYNC_CHANGED)
            self.ctx.notice.emit(
                f"Dismissed {topic_words(view.topic).lower()} for "
                f"{record_words(view.aggregate, view.aggregate_id)}: it will not reach "
                f"{receiver_words(view.destination).lower()}. Your reason is in the audit log.",
                "success")
            self.sync_requested.emit()  # the events held behind it can go now

        self.ctx.run(lambda: sync_admin.dismiss_parked(db, actor, event.destination, event.seq,
                                                       reason), done)
