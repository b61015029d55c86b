"""A screen's own message line: hidden when empty, styled by level, warnings told app-wide too."""

from __future__ import annotations

from collections.abc import Callable

from ui.widgets.labels import Label
from ui.widgets.styling import show_level


class MessageLine(Label):
    """`say(text, level)`; a warning or error also goes to `notify` (the window's notice)."""

    def __init__(self, notify: Callable[[str, str], None]) -> None:
        super().__init__("")
        self.setObjectName("notice")
        self.setWordWrap(True)
        self.hide()
        self._notify = notify

    def say(self, text: str, level: str = "info") -> None:
        """Show the text at its level (info, success, warning, error); empty text hides it."""
        show_level(self, text, level)
        self.setVisible(bool(text))
        if text and level in ("warning", "error"):
            self._notify(text, level)
