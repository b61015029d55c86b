"""A new claim's evidence checklist: what the policy asks for, what is attached, drop targets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.widgets.labels import Label
from warranty_desk.rules.evidence import evidence_label
from warranty_desk.storage.documents import StoredDocument

FILE_FILTER = ("Photos, videos and PDFs (*.jpg *.jpeg *.png *.gif *.webp *.heic *.heif *.pdf "
               "*.mp4 *.mov);;All files (*)")
# Wide enough for "Photo of the serial label (required)" beside its status.
NAME_WIDTH = 220


@dataclass(frozen=True, slots=True)
class PendingFile:
    """A file already in the document store, waiting for its claim to exist."""

    kind: str
    name: str
    document: StoredDocument


class EvidenceRow(QFrame):
    """One checklist item: what is needed, what is attached, Attach, and a drop target."""

    attach_clicked = Signal(str)
    file_dropped = Signal(str, str)  # kind, local path

    def __init__(self, kind: str, *, required: bool) -> None:
        super().__init__()
        self.kind = kind
        self.setObjectName("card")
        self.setStyleSheet("QLabel { background: transparent; }")
        self.setAcceptDrops(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        name = Label(evidence_label(kind).capitalize() + (" (required)" if required else ""))
        name.setWordWrap(True)
        name.setMinimumWidth(NAME_WIDTH)
        row.addWidget(name)
        self.status = Label("")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        self.button = QPushButton("Attach…")
        self.button.clicked.connect(lambda: self.attach_clicked.emit(self.kind))
        row.addWidget(self.button)
        self.show_files(())

    def show_files(self, names: Sequence[str]) -> None:
        """✔ with the file names, or ✖ and how to attach."""
        if names:
            self.status.setText("✔  " + ", ".join(names))
        else:
            self.status.setText("✖  missing: drop a file here or press Attach")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.file_dropped.emit(self.kind, url.toLocalFile())
        event.acceptProposedAction()


class EvidenceChecklist(QWidget):
    """The evidence rows for one claim type; attached files are shown against their kind."""

    attach_clicked = Signal(str)
    file_dropped = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.rows: dict[str, EvidenceRow] = {}
        self.empty = Label("The policy asks for no documents for this claim type.")
        self.empty.setObjectName("subtle")
        self._layout.addWidget(self.empty)

    def set_kinds(self, kinds: Sequence[str], files: dict[str, list[PendingFile]]) -> None:
        """Rows for these kinds, plus any kind that already has a file."""
        for row in self.rows.values():
            row.setParent(None)
            row.deleteLater()
        self.rows = {}
        shown = list(dict.fromkeys([*kinds, *(k for k, v in files.items() if v)]))
        for kind in shown:
            row = EvidenceRow(kind, required=kind in kinds)
            row.attach_clicked.connect(self.attach_clicked)
            row.file_dropped.connect(self.file_dropped)
            row.show_files([f.name for f in files.get(kind, [])])
            self.rows[kind] = row
            self._layout.addWidget(row)
        self.empty.setVisible(not shown)
