"""The Sync panel's tables: receivers, refused events and inbox items, in words a person reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from warranty_desk.clock import zone_of
from warranty_desk.services.inbox import AppliedResult
from warranty_desk.services.sync_admin import ParkedView, SyncStatus

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
Cell = Callable[[T], str]
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

# What each receiver is to a person at the shop.
RECEIVERS = {"portal": "Head office portal", "crm": "CRM", "nightly": "Nightly check report"}
_INBOX_STATES = {"problem": "Needs head office", "waiting": "Waiting, tried again at each sync",
                 "applied": "Applied"}


def receiver_words(name: str) -> str:
    """A receiver's name as the panel shows it."""
    return RECEIVERS.get(name, name)


def topic_words(topic: str) -> str:
    """claim.evidence_added → Claim evidence added."""
    text = topic.replace(".", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Event"


def record_words(aggregate: str, aggregate_id: str) -> str:
    """claim BR01-C-2026-000012."""
    return f"{aggregate.replace('_', ' ')} {aggregate_id}".strip()


class Clock:
    """Times in the shop's time zone, to the minute."""

    def __init__(self, zone: str) -> None:
        self.zone = zone_of(zone)

    def __call__(self, at: datetime | None, missing: str = "") -> str:
        return missing if at is None else at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")


class RowsModel(QAbstractTableModel, Generic[T]):
    """Frozen views as rows; each column is a header and the words of its cell."""

    numeric: frozenset[str] = frozenset()

    def __init__(self, columns: Sequence[tuple[str, Cell[T]]]) -> None:
        super().__init__()
        self.headers = tuple(name for name, _ in columns)
        self._cells = tuple(cell for _, cell in columns)
        self.rows: tuple[T, ...] = ()

    def set_rows(self, rows: Sequence[T]) -> None:
        """Show these rows, replacing the previous ones."""
        self.beginResetModel()
        self.rows = tuple(rows)
        self.endResetModel()

    def row(self, n: int) -> T | None:
        """The view on a row, if there is one."""
        return self.rows[n] if 0 <= n < len(self.rows) else None

    def text(self, n: int, column: int) -> str:
        """The words in one cell."""
        view = self.row(n)
        if view is None or not 0 <= column < len(self._cells):
            return ""
        return self._cells[column](view)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), index.column()) or None
        if (role == Qt.ItemDataRole.TextAlignmentRole
                and self.headers[index.column()] in self.numeric):
            return _RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.headers)):
            return self.headers[section]
        return None


def _count(n: int) -> str:
    return str(n) if n else "none"


class DestinationModel(RowsModel[SyncStatus]):
    """One row per receiver: when it last took events, what waits, and its last problem."""

    numeric = frozenset({"Waiting to send", "Refused", "Held back"})

    def __init__(self, zone: str) -> None:
        when = Clock(zone)
        super().__init__((
            ("Sends to", lambda s: receiver_words(s.destination)),
            ("Last success", lambda s: when(s.last_success_at, "never yet")),
            ("Waiting to send", lambda s: "" if s.destination == "nightly"
             else _count(s.pending)),
            ("Refused", lambda s: "" if s.destination == "nightly" else _count(s.parked)),
            ("Held back", lambda s: "" if s.destination == "nightly" else _count(s.held)),
            ("Last problem", lambda s: s.last_error or "none"),
        ))


class ParkedModel(RowsModel[ParkedView]):
    """Refused events (and those held behind them), with the receiver's own reason."""

    def __init__(self, zone: str) -> None:
        when = Clock(zone)
        super().__init__((
            ("What", lambda p: topic_words(p.topic)),
            ("Record", lambda p: record_words(p.aggregate, p.aggregate_id)),
            ("Sends to", lambda p: receiver_words(p.destination)),
            ("State", lambda p: _parked_state(p)),
            ("Since", lambda p: when(p.parked_at)),
            ("Why (the receiver's words)", lambda p: p.reason),
        ))


def _parked_state(p: ParkedView) -> str:
    if p.state == "retry":
        return "Sent again at the next sync"
    if p.kind == "held":
        return "Waits behind a refused event"
    return "Refused"


class InboxModel(RowsModel[AppliedResult]):
    """Portal inbox items given up or still waiting."""

    def __init__(self, zone: str) -> None:
        when = Clock(zone)
        super().__init__((
            ("Item", lambda i: i.item_id),
            ("Kind", lambda i: i.kind.replace("_", " ")),
            ("State", lambda i: _INBOX_STATES.get(i.status, i.status)),
            ("When", lambda i: when(i.applied_at)),
            ("What happened", lambda i: _inbox_reason(i.result)),
        ))


def _inbox_reason(result: str) -> str:
    # Stored as "problem: ..." or "waiting: ..."; the State column says which.
    head, sep, rest = result.partition(": ")
    text = rest if sep and head in ("problem", "waiting") else result
    return text[:1].upper() + text[1:]
