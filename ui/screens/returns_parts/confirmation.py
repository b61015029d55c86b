"""The returns desk's answer to each scan or button: a coloured banner with a symbol and words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QWidget

from ui.context import AppContext, explain
from ui.widgets.labels import Label
from ui.widgets.styling import set_style_property

# The banner borrows the verdict card's colours, so both themes style it with no new rules.
_LOOK = {"success": "in_cover", "warning": "not_started", "error": "expired", "info": "not_found"}
_SYMBOLS = {"success": "✔", "warning": "!", "error": "✖"}


class Confirmation(QFrame):
    """A large, coloured answer to the last action, with a symbol and words (never colour alone).

    The word sits beside its detail rather than above it: at 1024×768 the height it saves
    keeps several rows of returns stock in view.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 10, 20, 10)
        layout.setSpacing(20)
        self.word = Label("")
        self.word.setObjectName("verdictWord")
        # Still the largest words on the desk, but a line of stock smaller than the counter's.
        self.word.setStyleSheet("font-size: 30px;")
        self.word.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.detail = Label("")
        self.detail.setObjectName("verdictDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.word)
        layout.addWidget(self.detail, 1)
        self.hide()

    def clear(self) -> None:
        """No answer shown."""
        self.word.setText("")
        self.detail.setText("")
        self.hide()

    def say(self, level: str, word: str, detail: str) -> None:
        """Show the answer: level success, warning, error or info."""
        self.setProperty("level", level)
        set_style_property(self, "verdict", _LOOK.get(level, "not_found"))
        self.word.setText(f"{_SYMBOLS.get(level, 'i')}  {word}")
        self.detail.setText(detail)
        self.show()


def refusal_shower(ctx: AppContext, banner: Confirmation, field: QLineEdit,
                   word: str) -> Callable[[BaseException], None]:
    """What a desk does when an action fails: the banner and the notice bar say why, in the
    desk's word (NOT RECEIVED), and the scan field's text is selected for the next scan."""
    def show(exc: BaseException) -> None:
        text, level = explain(exc, ctx.home)
        banner.say(level, word, text)
        ctx.notice.emit(text, level)
        field.selectAll()
    return show
