"""Every exception note, narrowed by reason, kind of record and words, to find one again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.models.record_table import RecordTableModel
from ui.widgets.exception_notes import note_columns
from ui.widgets.labels import Label, TextView
from ui.widgets.record_view import record_view, show_records
from warranty_desk.services import exception_notes
from warranty_desk.services.exception_notes import (
    LIST_LIMIT,
    REASONS,
    RECORD_KINDS,
    NoteFilters,
    NoteView,
)

# Typing pauses this long before the list is searched again, as on the claims board.
SEARCH_DELAY_MS = 300
# Where a note's record opens, by kind (the others have no screen of their own).
_OPENS = {"claim": "ClaimDetailScreen", "customer": "CustomerScreen"}


class NotesList(QWidget):
    """The notes list with its filters; Enter on a note opens its claim or customer."""

    def __init__(self, ctx: AppContext, when: Callable[[datetime], str]) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.reason = QComboBox()
        self.reason.setObjectName("noteReasonFilter")
        self.reason.addItem("Every reason", None)
        for code, words in REASONS.items():
            self.reason.addItem(words, code)
        self.kind = QComboBox()
        self.kind.setObjectName("noteKindFilter")
        self.kind.addItem("Every record", None)
        for code, words in RECORD_KINDS.items():
            self.kind.addItem(words, code)
        self.words = QLineEdit()
        self.words.setObjectName("noteSearch")
        self.words.setClearButtonEnabled(True)
        self.words.setPlaceholderText("Words in the note, or a record's number")
        row.addWidget(self.reason)
        row.addWidget(self.kind)
        row.addWidget(self.words, 1)
        layout.addLayout(row)
        self.status = Label("")
        self.status.setObjectName("subtle")
        layout.addWidget(self.status)
        self.model: RecordTableModel[NoteView] = RecordTableModel(
            note_columns(when, record=True))
        self.table = record_view(self.model, "notesList")
        layout.addWidget(self.table, 1)
        self.full = TextView()
        self.full.setObjectName("notesListFull")
        self.full.setMaximumHeight(90)
        layout.addWidget(self.full)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._generation = 0
        self._connect_signals()

    def _connect_signals(self) -> None:
        for combo in (self.reason, self.kind):
            combo.currentIndexChanged.connect(lambda _n: self.refresh())
        self.words.textChanged.connect(lambda _t: self._timer.start())
        self.words.returnPressed.connect(self.refresh)
        self._timer.timeout.connect(self.refresh)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_full(current.row()))

    def filters(self) -> NoteFilters:
        """What the filter row asks for."""
        return NoteFilters(reason=self.reason.currentData(), record_kind=self.kind.currentData(),
                           words=self.words.text().strip())

    def refresh(self) -> None:
        """Find the notes for the filters off the GUI thread."""
        if self.ctx.actor is None:
            return
        self._timer.stop()
        self._generation += 1
        generation, actor, filters = self._generation, self.ctx.actor, self.filters()
        self.ctx.run(lambda: exception_notes.find_notes(self.ctx.db, actor, filters),
                     lambda found: self._on_found(generation, found))

    def _on_found(self, generation: int, found: tuple[NoteView, ...]) -> None:
        if generation != self._generation:
            return  # filters changed while this list was read
        show_records(self.table, self.model, found)
        self._show_full(0)
        more = " (the newest; narrow with a filter)" if len(found) >= LIST_LIMIT else ""
        self.status.setText(f"{len(found)} note{'s' if len(found) != 1 else ''}{more}"
                            if found else "No note matches these filters.")

    def _show_full(self, row: int) -> None:
        note = self.model.record(row)
        self.full.set_text(f"{note.record_words} · {note.reason_words} · {note.written_by}:\n"
                           f"{note.text}" if note else "")

    def _on_table_activated(self, index: QModelIndex) -> None:
        note = self.model.record(index.row())
        if note is not None and note.record_kind in _OPENS:
            self.ctx.navigate.emit(_OPENS[note.record_kind], note.record_ref)

    def clear(self) -> None:
        """Forget the list and the filters (sign-out)."""
        self._generation += 1
        self._timer.stop()
        for widget in (self.reason, self.kind, self.words):
            widget.blockSignals(True)
        self.reason.setCurrentIndex(0)
        self.kind.setCurrentIndex(0)
        self.words.clear()
        for widget in (self.reason, self.kind, self.words):
            widget.blockSignals(False)
        self.model.set_records(())
        self.full.set_text("")
        self.status.setText("")
