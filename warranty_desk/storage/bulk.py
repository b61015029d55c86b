"""Bulk inserts through the driver's executemany, for imports and generators.

SQLAlchemy's per-value type processing costs several times SQLite's own insert time at
100k rows, so checked row dicts are converted here once, in the same way the models'
column types would store them.
"""

from __future__ import annotations

import enum
import sqlite3
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, cast

from sqlalchemy.orm import Session


def stored(value: Any) -> Any:
    """A value as the models' column types store it."""
    # Mirrors models.base: UUIDs as 16 bytes, UTC timestamps as naive ISO text, dates as ISO.
    if isinstance(value, uuid.UUID):
        return value.bytes
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    return value


def _plain(value: Any) -> bool:
    return value is None or (type(value) in (str, int, float, bytes))


def insert_rows(session: Session, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert dict rows (all with the same keys) in the session's open transaction."""
    if not rows:
        return
    columns = list(rows[0])
    raw = cast(sqlite3.Connection, session.connection().connection.driver_connection)
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    # Columns whose values the driver takes as they are (text, numbers, None) skip the
    # conversion: at 100k rows the per-value checks cost more than SQLite's inserts.
    convert = [c for c in columns if not all(_plain(row[c]) for row in rows[:64])]
    if not convert:
        if len(columns) == 1:
            raw.executemany(sql, ((row[columns[0]],) for row in rows))
        else:
            # itemgetter builds each row's tuple in C: a third of the Python time it replaced.
            raw.executemany(sql, map(itemgetter(*columns), rows))
        return
    if any(not _plain(row[c]) for row in rows[64:] for c in columns if c not in convert):
        convert = columns  # a rare row differs from the sample: convert everything
    wanted = frozenset(convert)
    raw.executemany(sql, ([stored(row[c]) if c in wanted else row[c] for c in columns]
                          for row in rows))
