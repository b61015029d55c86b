"""The evidence a policy asks for, as a grid of tick boxes: evidence kinds by claim type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from warranty_desk.rules.evidence import evidence_label

Index = QModelIndex | QPersistentModelIndex


class EvidenceMatrixModel(QAbstractTableModel):
    """One row per evidence kind (long names read well down the side), one column per type."""

    def __init__(self, kinds: Sequence[str], claim_types: Sequence[str]) -> None:
        super().__init__()
        self.kinds = tuple(kinds)
        self.claim_types = tuple(claim_types)
        self._ticked: set[tuple[str, str]] = set()  # (claim type, kind)

    def set_required(self, required: Mapping[str, Sequence[str]]) -> None:
        """Tick what a policy asks for: {claim type: kinds}."""
        self.beginResetModel()
        self._ticked = {(t, k) for t, kinds in required.items() for k in kinds}
        self.endResetModel()

    def required(self) -> dict[str, tuple[str, ...]]:
        """What is ticked, as the policy stores it; claim types needing nothing are left out."""
        found = {t: tuple(k for k in self.kinds if (t, k) in self._ticked)
                 for t in self.claim_types}
        return {t: kinds for t, kinds in found.items() if kinds}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.kinds)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.claim_types)

    def _cell(self, index: Index) -> tuple[str, str] | None:
        if not index.isValid() or not (0 <= index.row() < len(self.kinds)
                                       and 0 <= index.column() < len(self.claim_types)):
            return None
        return self.claim_types[index.column()], self.kinds[index.row()]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self._cell(index)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if cell in self._ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            claim_type, kind = cell
            return (f"A {claim_type.replace('_', ' ')} claim needs {evidence_label(kind)}"
                    if cell in self._ticked else "Not needed")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        cell = self._cell(index)
        if cell is None or role != Qt.ItemDataRole.CheckStateRole:
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(int(value))
        if state == Qt.CheckState.Checked:
            self._ticked.add(cell)
        else:
            self._ticked.discard(cell)
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if self._cell(index) is None:
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.claim_types):
            return self.claim_types[section].replace("_", " ").capitalize()
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.kinds):
            return evidence_label(self.kinds[section]).capitalize()
        return None
