"""Exception notes on a record: the list with the chosen note in full, and the dialog to add one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.keys import bind_key
from ui.models.record_table import Column, RecordTableModel
from ui.widgets.dialog_buttons import message_label, ok_cancel
from ui.widgets.labels import Label, TextView
from ui.widgets.record_view import record_view, show_records
from warranty_desk.permissions import Permission
from warranty_desk.services import exception_notes
from warranty_desk.services.exception_notes import MAX_TEXT, MIN_TEXT, REASONS, NoteView

# The key for a new note, the same on every screen that shows a record's notes.
NOTE_KEY = "Ctrl+Shift+N"
# A line of the list shows the start of the note; the box below shows it whole.
_PREVIEW = 80


def note_columns(when: Callable[[datetime], str], *, record: bool = False
                 ) -> tuple[Column[NoteView], ...]:
    """The columns of a list of notes (with the record's number where notes are mixed)."""
    return (
        Column("Written", lambda n: when(n.written_at)),
        *((Column("Record", lambda n: n.record_words),) if record else ()),
        Column("Reason", lambda n: n.reason_words),
        Column("By", lambda n: n.written_by or "–"),
        Column("Note", lambda n: " ".join(n.text.split())[:_PREVIEW]
               + ("…" if len(n.text) > _PREVIEW else ""), tooltip=lambda n: n.text),
    )


class NoteDialog(QDialog):
    """Emits `written(reason code, text)` once a reason is picked and a few words are typed."""

    written = Signal(str, str)

    def __init__(self, record_words: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle(f"Exception note on {record_words}")
        layout = QVBoxLayout(self)
        intro = Label(f"Say what is not normal about {record_words}, so the next person knows. "
                      "The note is kept with the record and counted in the reports.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.reason = QComboBox()
        self.reason.setObjectName("noteReason")
        for code, words in REASONS.items():
            self.reason.addItem(words, code)
        layout.addWidget(self.reason)
        self.text = QPlainTextEdit()
        self.text.setObjectName("noteText")
        self.text.setPlaceholderText("what happened, what was tried, what the next person "
                                     "should do")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(110)
        layout.addWidget(self.text)
        self.message = message_label()
        layout.addWidget(self.message)
        buttons, self.ok = ok_cancel(self, "Save note  (Ctrl+Enter)", self._on_buttons_accepted)
        bind_key(self, "Ctrl+Return", self._on_buttons_accepted)
        layout.addWidget(buttons)
        self.reason.setFocus()

    def _on_buttons_accepted(self) -> None:
        words = self.text.toPlainText().strip()
        if len(words) < MIN_TEXT:
            self.message.setText("Write what is not normal in a few words first.")
            self.text.setFocus()
            return
        if len(words) > MAX_TEXT:
            self.message.setText(f"The note is {len(words)} characters long; at most "
                                 f"{MAX_TEXT}. Shorten it, or attach the longer account as a "
                                 "document.")
            self.text.setFocus()
            return
        self.written.emit(str(self.reason.currentData()), words)
        self.accept()


class NotesPanel(QWidget):
    """A record's notes, newest first, the chosen one in full, and the button for a new one."""

    add_requested = Signal()

    def __init__(self, when: Callable[[datetime], str], name: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        # Inside a tab, whose frame is margin enough: in a customer's tabs at 1366×768 the
        # margins left the button 29 px of the 36 it needs.
        layout.setContentsMargins(0, 0, 0, 0)
        self.model: RecordTableModel[NoteView] = RecordTableModel(note_columns(when))
        self.table = record_view(self.model, name)
        layout.addWidget(self.table, 1)
        self.full = TextView()
        self.full.setObjectName(name + "Full")
        self.full.setMaximumHeight(80)
        layout.addWidget(self.full)
        row = QHBoxLayout()
        self.add_button = QPushButton(f"Add exception note…  ({NOTE_KEY})")
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add_requested)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_full(current.row()))

    def show_notes(self, notes: tuple[NoteView, ...]) -> None:
        """List these notes and show the newest in full."""
        show_records(self.table, self.model, notes)
        self._show_full(0)

    def clear(self) -> None:
        self.show_notes(())

    def _show_full(self, row: int) -> None:
        note = self.model.record(row)
        self.full.set_text(f"{note.reason_words}: {note.text}" if note else "")


def ask_for_note(ctx: AppContext, parent: QWidget, kind: str, ref: str, record_words: str,
                 on_written: Callable[[NoteView], object],
                 show: Callable[[QDialog], None]) -> NoteDialog | None:
    """The note dialog for a record; the note is saved off the GUI thread, then `on_written`."""
    if ctx.actor is None or not ctx.may(Permission.WRITE_NOTE):
        return None
    actor, db = ctx.actor, ctx.db
    dialog = NoteDialog(record_words, parent)

    def written(note: NoteView) -> None:
        ctx.notice.emit(f"Note saved on {note.record_words}.", "success")
        on_written(note)

    dialog.written.connect(lambda reason, text: ctx.run(
        lambda: exception_notes.add_note(db, actor, exception_notes.NoteInput(
            kind, ref, reason, text)), written, ctx.report))
    show(dialog)
    return dialog
