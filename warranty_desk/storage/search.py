"""Keeps the FTS5 search tables current and searches them.

SQLite refuses triggers that write to virtual tables while trusted_schema is OFF, so the app
indexes rows itself: ORM changes through session flush hooks, bulk inserts by rowid high-water.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from warranty_desk.models import Customer, Product

# Serials, codes and invoice numbers are found by exact key through plain indexes; only
# names (and product words) need word search. Migration 0008 dropped the unread warranty and
# sale search tables (about 45 MB per million warranties, and time on every insert).
INDEXED: dict[str, tuple[str, ...]] = {
    "customers": ("name", "phone", "email", "reference"),
    "products": ("name", "sku", "category"),
}
_MODELS: dict[type[Any], str] = {Customer: "customers", Product: "products"}
_PENDING = "warranty_desk_search_pending"


def high_water(session: Session, table: str) -> int:
    """The largest rowid now: rows inserted after this are above it."""
    return int(session.execute(text(f"SELECT coalesce(max(rowid), 0) FROM {table}")).scalar_one())


def index_since(session: Session, table: str, rowid: int) -> None:
    """Index every row of a table inserted after the given high-water mark."""
    cols = ", ".join(INDEXED[table])
    session.execute(text(
        f"INSERT INTO {table}_fts (rowid, {cols}) SELECT rowid, {cols} FROM {table} "
        "WHERE rowid > :rowid"), {"rowid": rowid})


def _unindex(session: Session, table: str, row_id: Any) -> None:
    cols = ", ".join(INDEXED[table])
    # External-content FTS5 needs the old values to remove their tokens.
    session.execute(text(
        f"INSERT INTO {table}_fts ({table}_fts, rowid, {cols}) "
        f"SELECT 'delete', rowid, {cols} FROM {table} WHERE id = :id"), {"id": row_id})


def _index(session: Session, table: str, row_id: Any) -> None:
    cols = ", ".join(INDEXED[table])
    session.execute(text(
        f"INSERT INTO {table}_fts (rowid, {cols}) SELECT rowid, {cols} FROM {table} "
        "WHERE id = :id"), {"id": row_id})


def _before_flush(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    pending: list[tuple[str, Any]] = session.info.setdefault(_PENDING, [])
    for obj in session.deleted:
        table = _MODELS.get(type(obj))
        if table:
            _unindex(session, table, obj.id.bytes)
    for obj in session.dirty:
        table = _MODELS.get(type(obj))
        if table and session.is_modified(obj):
            _unindex(session, table, obj.id.bytes)
            pending.append((table, obj))
    # New objects get their id only during the flush, so they are indexed after it.
    pending.extend((_MODELS[type(obj)], obj) for obj in session.new if type(obj) in _MODELS)


def _after_flush(session: Session, _ctx: UOWTransaction) -> None:
    for table, obj in session.info.pop(_PENDING, []):
        _index(session, table, obj.id.bytes)


def install(factory: sessionmaker[Session]) -> None:
    """Keep the search tables current for every session this factory makes."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)


def fts_query(words: str) -> str:
    """A safe FTS5 query: each word quoted and prefix-matched, all words required."""
    tokens = [t for t in re.split(r"[^\w\-]+", words) if t]
    return " ".join('"' + t.replace('"', "") + '"*' for t in tokens)
