"""The foot of every dialog: a wrapped message line and Ok/Cancel with a worded Ok."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton

from ui.widgets.labels import Label


def message_label() -> QLabel:
    """Where a dialog says what is wrong with what was typed."""
    label = Label("")
    label.setObjectName("subtle")
    label.setWordWrap(True)
    return label


def ok_cancel(dialog: QDialog, ok_text: str, on_ok: Callable[[], None]
              ) -> tuple[QDialogButtonBox, QPushButton]:
    """Ok/Cancel; the Ok says what it does and is styled as the primary action.

    Bold only by the :default state, its text was cut at the ends, so it is bold from the start.
    """
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setObjectName("primary")
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok
