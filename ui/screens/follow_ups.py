"""Follow-ups: the work that sits beside the claims, each list in its own tab."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from PySide6.QtWidgets import QDialog, QTabWidget

from ui.context import AppContext
from ui.keys import bind_key, bind_tab_keys
from ui.screens.base import Screen
from ui.screens.follow_up_calls import CLEAR_KEY, CallsList
from ui.screens.follow_up_duplicates import DuplicatesList
from ui.screens.follow_up_notes import NotesList
from ui.screens.shop_time import local_minute
from warranty_desk.permissions import Permission
from warranty_desk.services.customer_view import CUSTOMER_PERMISSION


class FollowUpsScreen(Screen):
    """Retention calls the rules raised, to make and clear; exception notes to look up again;
    customers recorded twice, to merge."""

    title = "Follow-ups"
    shortcut = "F12"
    permission = Permission.LOOKUP
    help_keys = (
        (CLEAR_KEY, "Clear the selected retention call with a note of what was done"),
        ("Ctrl+F", "Search the notes: words in the note or a record's number"),
        ("Enter (a note)", "Open the note's claim or customer"),
        ("Enter (a duplicate)", "Open the first customer of the pair, to merge them there"),
        ("Ctrl+R", "Reload the list"),
        ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous list"),
    )
    key_permissions: ClassVar[dict[str, Permission]] = {CLEAR_KEY: CUSTOMER_PERMISSION}

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("followUpTabs")
        self.dialog: QDialog | None = None  # the dialog open now (tests reach it here)
        self.calls = CallsList(ctx, self._when, self._show_dialog)
        self.notes = NotesList(ctx, self._when)
        self.duplicates = DuplicatesList(ctx)
        self.tabs.addTab(self.calls, "Retention &calls")
        self.tabs.addTab(self.notes, "Exception &notes")
        self.tabs.addTab(self.duplicates, "&Duplicate customers")
        layout.addWidget(self.tabs, 1)
        bind_key(self, CLEAR_KEY, self._on_clear_key)
        bind_key(self, "Ctrl+F", self._focus_search)
        bind_key(self, "Ctrl+R", self.refresh)
        bind_tab_keys(self, self.tabs)
        self.tabs.currentChanged.connect(lambda _n: self.refresh())
        self.calls.changed.connect(lambda: self.ctx.data_changed.emit("customer"))
        self.ctx.data_changed.connect(self._on_ctx_data_changed)

    def _when(self, at: datetime) -> str:
        return local_minute(at, self.ctx.shop.timezone)

    def _show_dialog(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None)
                                if self.dialog is dialog else None)
        dialog.open()

    def activated(self) -> None:
        # The calls are for those who talk to customers; everyone may read the notes.
        calls = self.ctx.may(CUSTOMER_PERMISSION)
        self.tabs.setTabVisible(self.tabs.indexOf(self.calls), calls)
        self.tabs.setTabVisible(self.tabs.indexOf(self.duplicates),
                                self.ctx.may(Permission.MERGE_CUSTOMERS))
        if not calls:
            self.tabs.setCurrentWidget(self.notes)
        self.refresh()
        current = self.tabs.currentWidget()
        (self.calls.table if current is self.calls else self.notes.table
         if current is self.notes else self.duplicates.table).setFocus()

    def refresh(self) -> None:
        """Reload the list shown."""
        current = self.tabs.currentWidget()
        if current is self.calls:
            if self.ctx.may(CUSTOMER_PERMISSION):
                self.calls.refresh()
        elif current is self.duplicates:
            if self.ctx.may(Permission.MERGE_CUSTOMERS):
                self.duplicates.refresh()
        else:
            self.notes.refresh()

    def _on_clear_key(self) -> None:
        if self.tabs.currentWidget() is self.calls and self.ctx.may(CUSTOMER_PERMISSION):
            self.calls.clear_selected()

    def _focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.notes)
        self.notes.words.setFocus()
        self.notes.words.selectAll()

    def _on_ctx_data_changed(self, _what: str) -> None:
        if self.isVisible():
            self.refresh()

    def clear_for_sign_out(self) -> None:
        self.calls.clear()
        self.notes.clear()
        self.duplicates.clear()
