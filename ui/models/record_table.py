"""A table model for rows of frozen views, each column named and worked out from the row."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """One column: its header, the words in a row's cell, and what else the cell does."""

    title: str
    text: Callable[[T], str]
    tooltip: Callable[[T], str] | None = None
    checked: Callable[[T], bool] | None = None  # a tick box the person can toggle
    numeric: bool = False  # right-aligned, so amounts and counts line up


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """Records as rows; the screen keeps the records, the model only shows them.

    A tick in a `checked` column is not stored here: `check_toggled(record, ticked)` asks the
    screen to make the change, and the screen shows the result by setting the records again.
    """

    check_toggled = Signal(object, bool)

    def __init__(self, columns: Sequence[Column[T]],
                 key: Callable[[T], Hashable] | None = None) -> None:
        super().__init__()
        self.columns = tuple(columns)
        self.records: tuple[T, ...] = ()
        self._key = key

    # --- Records ------------------------------------------------------------------------------

    def set_records(self, records: Sequence[T]) -> None:
        """Show these records, replacing the previous ones."""
        self.beginResetModel()
        self.records = tuple(records)
        self.endResetModel()

    def record(self, row: int) -> T | None:
        """The record on a row, if there is one."""
        return self.records[row] if 0 <= row < len(self.records) else None

    def replace(self, row: int, record: T) -> None:
        """Put a changed record on its row (the selection stays where it is)."""
        if 0 <= row < len(self.records):
            self.records = (*self.records[:row], record, *self.records[row + 1:])
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def key(self, row: int) -> Hashable | None:
        """The key of the record on a row (what survives a reload: a number, an id)."""
        record = self.record(row)
        if record is None:
            return None
        return self._key(record) if self._key is not None else row

    def row_of(self, key: Hashable) -> int:
        """The row of the record with this key, or -1."""
        return next((n for n in range(len(self.records)) if self.key(n) == key), -1)

    def text(self, row: int, column: int) -> str:
        """The words shown in one cell."""
        record = self.record(row)
        if record is None or not 0 <= column < len(self.columns):
            return ""
        return self.columns[column].text(record)

    # --- Qt's side ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.record(index.row())
        if record is None or not 0 <= index.column() < len(self.columns):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole text: a narrow column at 1024×768 cuts long cells short.
            return column.tooltip(record) if column.tooltip else column.text(record) or None
        if role == Qt.ItemDataRole.CheckStateRole and column.checked is not None:
            return Qt.CheckState.Checked if column.checked(record) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _RIGHT
        if role == Qt.ItemDataRole.UserRole:
            return self.key(index.row())
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.columns[index.column()].checked is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        record = self.record(index.row())
        if (record is None or role != Qt.ItemDataRole.CheckStateRole
                or self.columns[index.column()].checked is None):
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(int(value))
        self.check_toggled.emit(record, state == Qt.CheckState.Checked)
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section].title
        return None
