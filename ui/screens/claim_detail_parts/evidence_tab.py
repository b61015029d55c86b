"""The claim's Evidence tab: its documents, a drop zone for new ones, and what kind they are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.labels import Label
from warranty_desk.rules.claim_states import EVIDENCE_KINDS, evidence_label
from warranty_desk.services.claim_detail import ClaimDetail, EvidenceItem

# Checking the proof of purchase of a sale not known here.
VERIFY_KEY = "Ctrl+Shift+V"
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


def proof_documents(d: ClaimDetail) -> tuple[EvidenceItem, ...]:
    """The claim's proof of purchase documents, oldest first."""
    return tuple(e for e in d.evidence if e.kind == "proof_of_purchase")


def size_words(item: EvidenceItem) -> str:
    """A document's size as staff read it."""
    return f"{item.size / 1024:.0f} KB" if item.size >= 1024 else f"{item.size} bytes"


class EvidenceTab(QWidget):
    """The list on the left; on the right, the kind of the next document and the buttons."""

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        left = QVBoxLayout()
        # The proof of purchase of a sale not known here, while it waits to be checked.
        self.proof_panel = QFrame()
        self.proof_panel.setObjectName("card")
        proof_row = QHBoxLayout(self.proof_panel)
        proof_row.setContentsMargins(8, 4, 8, 4)
        self.proof_note = Label("")
        self.proof_note.setWordWrap(True)
        proof_row.addWidget(self.proof_note, 1)
        self.check_proof_button = QPushButton(f"Check proof…  ({VERIFY_KEY})")
        self.check_proof_button.setObjectName("checkProofButton")
        proof_row.addWidget(self.check_proof_button)
        self.proof_panel.hide()
        left.addWidget(self.proof_panel)
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
                    may_add: bool, may_verify: bool = False) -> None:
        """List the documents; the kind offered next is the first one still missing."""
        self.list.clear()
        for item in d.evidence:
            row = QListWidgetItem(
                f"{item.label.capitalize()}  ·  {item.original_name or 'unnamed'}  ·  "
                f"{item.media_type}, {size_words(item)}\nadded by "
                f"{item.added_by or item.source} on {when(item.added_at)}  ·  "
                f"sha256 {item.sha256[:12]}…")
            row.setData(Qt.ItemDataRole.UserRole, item.sha256)
            self.list.addItem(row)
        if d.missing_evidence:
            self.kind.setCurrentIndex(max(self.kind.findData(d.missing_evidence[0]), 0))
        self.add_button.setVisible(may_add)
        waiting = d.proof_status == "unverified"
        self.proof_panel.setVisible(waiting)
        if waiting:
            names = ", ".join(e.original_name or "unnamed" for e in proof_documents(d))
            self.proof_note.setText(
                f"The customer's proof of purchase ({names or 'no document'}) waits to be "
                "checked. " + ("Open it, compare it with the purchase details, then accept or "
                               "refuse it." if may_verify else
                               "Customer support or a manager checks it."))
        self.check_proof_button.setVisible(waiting and may_verify)

    def clear(self) -> None:
        """No claim, no documents, no proof waiting."""
        self.list.clear()
        self.proof_note.setText("")
        self.proof_panel.hide()

    def kind_chosen(self) -> str:
        """The evidence kind new files are attached as."""
        return str(self.kind.currentData())

    def selected(self) -> tuple[str, str] | None:
        """(sha256, first line of its text) of the document picked, if any."""
        item = self.list.currentItem()
        if item is None:
            return None
        return str(item.data(Qt.ItemDataRole.UserRole)), item.text().split("\n")[0]
