"""The base class every screen derives from: its title, key, permission and its hooks."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.widgets.labels import Label
from warranty_desk.permissions import Permission


class Screen(QWidget):
    """One page of the main window."""

    title = "Screen"
    shortcut = ""  # e.g. "F2"; shown in the navigation and the F1 help
    permission: Permission | None = None  # hidden from people who may not use it
    help_keys: tuple[tuple[str, str], ...] = ()  # (key, what it does) for the F1 overlay
    # Keys of help_keys that only some roles may use: F1 lists them for those roles alone.
    key_permissions: ClassVar[dict[str, Permission]] = {}

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName(type(self).__name__)

    def available(self) -> bool:
        """Whether the signed-in person may open this screen (hidden from the others)."""
        return self.permission is None or self.ctx.may(self.permission)

    def help_rows(self) -> list[tuple[str, str]]:
        """The screen's keys as F1 lists them: only those the person signed in may use."""
        return [(key, words) for key, words in self.help_keys
                if key not in self.key_permissions or self.ctx.may(self.key_permissions[key])]

    def heading(self, text: str) -> QLabel:
        """A large page heading."""
        label = Label(text)
        label.setObjectName("heading")
        return label

    def page_layout(self) -> QVBoxLayout:
        """The standard page layout with the screen's heading at the top."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(self.heading(self.title))
        return layout

    def activated(self) -> None:
        """Called each time the screen is shown: refresh and put focus where work starts."""

    def open(self, payload: object) -> None:
        """Show a given record (another screen asked for it through ctx.navigate)."""

    def handle_scan(self, text: str) -> bool:
        """A scanner read while this screen is shown; return True if the screen used it."""
        return False

    def clear_for_sign_out(self) -> None:
        """The counter locked: forget every record shown and everything typed, so the next
        person to sign in sees none of it. Every screen says what that is for itself
        (tests/ui/test_sign_out.py holds each one to it); the base has nothing to forget."""

    def unsaved_work(self) -> str:
        """What leaving now would throw away, in words ("this claim"); "" when nothing."""
        return ""
