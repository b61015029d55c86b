"""Text shown exactly as given: every label is plain text, and codes never break across lines.

What the app shows comes from people, scanners, files and the network. A QLabel guesses its
format, so a customer named "<b>Eve</b>" would show in bold and a scanned "<h1>…" as big
letters. One rule stops that for every label: the app's style (`use_plain_text`) makes each
QLabel plain text when Qt polishes it, before it is first drawn. That covers the app's own
labels, those Qt makes (form captions, message boxes, input dialogs, tooltips) and any label
written later. tests/ui/test_plain_text.py walks every screen with such data.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QMimeData, Qt
from PySide6.QtGui import (
    QContextMenuEvent,
    QEnterEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QPlainTextEdit, QProxyStyle, QWidget

# Shown in place of the hyphens inside a code: it looks the same, and a line never breaks
# after it, so "BR01-CU-000002" never ends a line at "BR01-". Copying gives "-" back.
NO_BREAK_HYPHEN = "\u2011"
# A code: letters and digits joined by hyphens, with a digit somewhere (claim and warranty
# numbers, serials, invoice numbers, dates). Hyphenated words ("follow-up") may still wrap.
_CODE = re.compile(r"(?<![\w-])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+(?![\w-])")


class PlainTextStyle(QProxyStyle):
    """The platform's style, with every label made plain text as Qt readies it."""

    def polish(self, thing: object) -> object:  # type: ignore[override]
        # One method for Qt's three polish overloads (widget, application, palette).
        if isinstance(thing, QLabel):
            thing.setTextFormat(Qt.TextFormat.PlainText)
        return super().polish(thing)  # type: ignore[call-overload]


def use_plain_text(app: QApplication) -> None:
    """Give the app the style that shows every label as plain text (widgets shown already are
    polished again)."""
    if not app.property("plainText"):
        app.setStyle(PlainTextStyle())
        app.setProperty("plainText", True)


def keep_codes_whole(text: str) -> str:
    """The text as drawn: hyphens inside codes made unbreakable."""
    def whole(match: re.Match[str]) -> str:
        code = match.group(0)
        return code.replace("-", NO_BREAK_HYPHEN) if any(c.isdigit() for c in code) else code
    return _CODE.sub(whole, text) if "-" in text else text


def as_typed(text: str) -> str:
    """Drawn text back as it was given (for the clipboard)."""
    return text.replace(NO_BREAK_HYPHEN, "-")


class Label(QLabel):
    """The app's label: plain text, codes kept whole; `text()` gives back what was set."""

    # On the class too: Qt may send an event while the object is being made.
    _select_on_demand = False

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._given = ""
        self._select_on_demand = False
        self.setText(text)

    def select_on_demand(self) -> None:
        """Let the mouse select the text, as TextSelectableByMouse does, with the text control
        that selection needs made only while the pointer is over the label.

        A selectable QLabel lays its text out and draws it through a QTextDocument, which
        costs many times what the plain label's drawing does each time the text changes: on
        the counter's card, whose facts change with every scan, that was most of showing a
        result. The plain drawing gives the same pixels (tests/ui/test_select_on_demand.py),
        and nobody selects text without the pointer on it; a selection made is kept until the
        text changes, wherever the pointer goes.
        """
        self._select_on_demand = True
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     if self.underMouse() else
                                     Qt.TextInteractionFlag.NoTextInteraction)

    # Enter and leave, not event(): an event() in Python would be called for every paint.
    def enterEvent(self, event: QEnterEvent) -> None:
        if self._select_on_demand:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._select_on_demand and not self.hasSelectedText():
            self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        super().leaveEvent(event)

    def setText(self, text: str) -> None:
        self._given = text
        if self._select_on_demand and not self.underMouse():
            # The selection goes with the old text: so does the control, until the pointer
            # comes back.
            self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        super().setText(keep_codes_whole(text))

    def text(self) -> str:
        return self._given

    def clear(self) -> None:
        self.setText("")

    # Copying selected text gives real hyphens, so a pasted code still looks up.
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy) and self.hasSelectedText():
            self._copy()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if not self.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse:
            super().contextMenuEvent(event)
            return
        menu = QMenu(self)
        copy = menu.addAction("Copy")
        copy.setEnabled(self.hasSelectedText())
        copy.triggered.connect(self._copy)
        every = menu.addAction("Select all")
        every.triggered.connect(lambda: self.setSelection(0, len(QLabel.text(self))))
        menu.exec(event.globalPos())

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(as_typed(self.selectedText()))



class TextView(QPlainTextEdit):
    """Read-only plain text too long for a label (a letter, a message): it wraps to the box and
    scrolls, codes never break, and `text()` and copying give back what was set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)

    def set_text(self, text: str) -> None:
        """Show this text (as typed; codes are kept whole on screen)."""
        self.setPlainText(keep_codes_whole(text))

    def text(self) -> str:
        return as_typed(self.toPlainText())

    def createMimeDataFromSelection(self) -> QMimeData:
        data = QMimeData()
        data.setText(as_typed(self.textCursor().selectedText().replace("\u2029", "\n")))
        return data
