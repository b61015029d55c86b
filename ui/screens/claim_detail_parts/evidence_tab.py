"""The claim's Evidence tab: its documents, a drop zone for new ones, and what kind they are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.labels import Label
from warranty_desk.rules.claim_states import EVIDENCE_KINDS, evidence_label
from warranty_desk.services.board import ClaimDetail, EvidenceItem

FILE_FILTER = ("Photos, PDFs and videos (*.jpg *.jpeg *.png *.gif *.webp *.heic *.pdf *.mp4 "
               "*.mov);;All files (*)")


class EvidenceList(QListWidget):
    """The claim's documents; files dropped on it are offered as new evidence."""

    files_dropped = Signal(list)  # list[Path]

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("evidenceList")
        self.setAcceptDrops(True)
        self.setWordWrap(True)

    @staticmethod
    def _files(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
        data = event.mimeData()
        return [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()] \
            if data.hasUrls() else []

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._files(event)
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(files)


def _size(item: EvidenceItem) -> str:
    return f"{item.size / 1024:.0f} KB" if item.size >= 1024 else f"{item.size} bytes"


class EvidenceTab(QWidget):
    """The list on the left; on the right, the kind of the next document and the buttons."""

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = EvidenceList()
        left.addWidget(self.list, 1)
        hint = Label("Drop photos or PDFs on the list to attach them.")
        hint.setObjectName("subtle")
        hint.setWordWrap(True)
        left.addWidget(hint)
        row.addLayout(left, 1)
        side = QVBoxLayout()
        side.addWidget(Label("New document is a"))
        self.kind = QComboBox()
        self.kind.setObjectName("evidenceKind")
        for kind in EVIDENCE_KINDS:
            self.kind.addItem(evidence_label(kind), kind)
        side.addWidget(self.kind)
        self.add_button = QPushButton("Add evidence…  (Ctrl+E)")
        self.add_button.setToolTip("Attach files as the kind chosen above (or drop them on the "
                                   "list)")
        side.addWidget(self.add_button)
        self.open_button = QPushButton("Open document  (Enter)")
        side.addWidget(self.open_button)
        side.addStretch(1)
        row.addLayout(side)

    def show_detail(self, d: ClaimDetail, when: Callable[[datetime], str], *,
                    may_add: bool) -> None:
        """List the documents; the kind offered next is the first one still missing."""
        self.list.clear()
        for item in d.evidence:
            row = QListWidgetItem(
                f"{item.label.capitalize()}  ·  {item.original_name or 'unnamed'}  ·  "
                f"{item.media_type}, {_size(item)}\nadded by {item.added_by or item.source} on "
                f"{when(item.added_at)}  ·  sha256 {item.sha256[:12]}…")
            row.setData(Qt.ItemDataRole.UserRole, item.sha256)
            self.list.addItem(row)
        if d.missing_evidence:
            self.kind.setCurrentIndex(max(self.kind.findData(d.missing_evidence[0]), 0))
        self.add_button.setVisible(may_add)

    def clear(self) -> None:
        """No claim, no documents."""
        self.list.clear()

    def kind_chosen(self) -> str:
        """The evidence kind new files are attached as."""
        return str(self.kind.currentData())

    def selected(self) -> tuple[str, str] | None:
        """(sha256, first line of its text) of the document picked, if any."""
        item = self.list.currentItem()
        if item is None:
            return None
        return str(item.data(Qt.ItemDataRole.UserRole)), item.text().split("\n")[0]
