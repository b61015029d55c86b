"""Bulk inserts through the driver's executemany, for imports and generators.

SQLAlchemy's per-value type processing costs several times SQLite's own insert time at
100k rows, so callers build rows with values already in stored form (`stored` converts one
value the way the models' column types would).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy.orm import Session

from warranty_desk.storage.database import driver_of


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


_PLAIN = (str, int, float, bytes, type(None))


def insert_rows(session: Session, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert dict rows (all with the same keys, values already as `stored` gives them) in the
    session's open transaction."""
    if not rows:
        return
    columns = tuple(rows[0])
    # itemgetter builds each row's tuple in C: at 100k rows Python-built lists cost more than
    # SQLite's inserts.
    pick = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    insert_values(session, table, columns, list(map(pick, rows)))


def insert_values(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
) -> None:
    """Insert rows given as tuples in `columns` order (values already as `stored` gives them)
    in the session's open transaction."""
    if not rows:
        return
    # The driver would bind a date or an aware datetime in its own format, silently: refuse
    # anything not yet stored (the first row stands for the rest; one code path builds them).
    unstored = [c for c, value in zip(columns, rows[0], strict=True)
                if not isinstance(value, _PLAIN)]
    if unstored:
        raise TypeError(f"{table}: pass stored values for {', '.join(unstored)} (see stored())")
    driver_of(session).executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)})", rows)
