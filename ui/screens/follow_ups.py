"""Follow-ups: the work that sits beside the claims, each list in its own tab."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QTabWidget

from ui.context import AppContext
from ui.keys import bind_key
from ui.screens.base import Screen
from ui.screens.follow_up_notes import NotesList
from ui.screens.shop_time import local_minute
from warranty_desk.permissions import Permission


class FollowUpsScreen(Screen):
    """Exception notes to look up again, by reason, kind of record and words."""

    title = "Follow-ups"
    shortcut = "F11"
    permission = Permission.LOOKUP
    help_keys = (
        ("Ctrl+F", "Search the notes: words in the note or a record's number"),
        ("Enter (a note)", "Open the note's claim or customer"),
        ("Ctrl+R", "Reload the list"),
        ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous list"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("followUpTabs")
        self.notes = NotesList(ctx, self._when)
        self.tabs.addTab(self.notes, "Exception &notes")
        layout.addWidget(self.tabs, 1)
        bind_key(self, "Ctrl+F", self._focus_search)
        bind_key(self, "Ctrl+R", self.refresh)
        self.tabs.currentChanged.connect(lambda _n: self.refresh())
        self.ctx.data_changed.connect(self._on_ctx_data_changed)

    def _when(self, at: datetime) -> str:
        return local_minute(at, self.ctx.shop.timezone)

    def activated(self) -> None:
        self.refresh()
        self.notes.table.setFocus()

    def refresh(self) -> None:
        """Reload the list shown."""
        self.notes.refresh()

    def _focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.notes)
        self.notes.words.setFocus()
        self.notes.words.selectAll()

    def _on_ctx_data_changed(self, _what: str) -> None:
        if self.isVisible():
            self.refresh()

    def clear_for_sign_out(self) -> None:
        self.notes.clear()
