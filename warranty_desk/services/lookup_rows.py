"""The lookup's reads as plain SQL on a driver connection: the counter's hot path.

A scan must show its verdict within a frame. Building, caching and executing ORM statements
cost about a millisecond per lookup on a million warranties, most of it Python around five
small queries; these reads run the same SQL straight through the driver and convert the
columns here (ids are 16-byte blobs, dates ISO text, timestamps naive UTC text). The lookup
itself runs them in a bare read transaction (Database.driver_read); services holding a
session pass its own connection (storage.database.driver_of).
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from warranty_desk.rules.extension import ExtensionTerms

VERDICT_ROWS = """
SELECT w.id, w.code, w.serial, w.start_on, w.end_on, w.status, w.void_reason, p.name, p.sku,
       p.category, b.name, pol.terms, pol.exclusions, c.name, c.phone, c.reference,
       s.invoice_number, s.sold_on, l.unit_price_minor, w.awaits_delivery
FROM warranties w
JOIN products p ON p.id = w.product_id
JOIN brands b ON b.id = p.brand_id
JOIN policies pol ON pol.id = p.policy_id
JOIN invoice_lines l ON l.id = w.invoice_line_id
JOIN sales s ON s.id = l.sale_id
LEFT JOIN customers c ON c.id = w.customer_id
WHERE w.id IN ({marks})"""
# The same rows for the units of a customer's phone, newest first: one read, where finding
# the ids first and then reading their rows walked the customer's warranties twice.
VERDICT_ROWS_BY_PHONE = VERDICT_ROWS.replace(
    "WHERE w.id IN ({marks})", "WHERE c.phone = ? ORDER BY w.start_on DESC LIMIT {limit}")
# In the primary key's order (warranty, start), which the IN list walks anyway: by start
# alone, each lookup sorted its layers in a temporary b-tree.
LAYERS = ("SELECT warranty_id, kind, start_on, end_on, extension_plan_id FROM warranty_layers "
          "WHERE warranty_id IN ({marks}) ORDER BY warranty_id, start_on")
CLAIMS = ("SELECT warranty_id, number, state, outcome, opened_at, fault, channel, claimant_name, "
          "claimant_phone FROM claims WHERE warranty_id IN ({marks}) ORDER BY opened_at DESC")
PLANS = ("SELECT id, name, months, price_minor, categories, min_price_minor, max_price_minor, "
         "max_days_since_sale, active FROM extension_plans")


@dataclass(frozen=True, slots=True)
class PlanRow:
    """An extension plan: its stored id (16 bytes), its name, whether it is offered, and its
    terms."""

    key: bytes
    name: str
    active: bool
    terms: ExtensionTerms


def rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    """Run plain SQL with ? markers on a driver connection (a session's: see driver_of).

    The driver's cursor, not a SQLAlchemy result: wrapping each of a lookup's four reads in
    result metadata cost more than the reads themselves.
    """
    return conn.execute(sql, tuple(params)).fetchall()


def shop_settings(conn: sqlite3.Connection) -> tuple[str | None, str | None]:
    """The shop's time zone and locale, in one read (None, None before set-up)."""
    found = conn.execute("SELECT timezone, locale FROM shop LIMIT 1").fetchone()
    return (found[0], found[1]) if found else (None, None)


def marks(count: int) -> str:
    """`?, ?, ?` for an IN list."""
    return ",".join("?" * count)


def padded(keys: Sequence[bytes]) -> list[bytes]:
    """The keys of an IN list, the last repeated up to the next power of two (an IN list
    matches each row once, however often its key is given).

    The driver keeps 128 prepared statements by their text, and an IN list of each length is
    a text of its own: a lookup's three reads for every count from one to fifty units pushed
    one another out, and preparing the seven-table read again cost more than running it
    (0.1 ms). Seven lengths up to fifty stay prepared.
    """
    listed = list(keys)
    size = 1 << max(len(listed) - 1, 0).bit_length()
    return listed + listed[-1:] * (size - len(listed))


def utc(text: str) -> datetime:
    """A stored timestamp (naive UTC text) as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def verdict_rows(conn: sqlite3.Connection, keys: Sequence[bytes]) -> dict[bytes, Any]:
    """The warranties' rows (VERDICT_ROWS's columns, as stored) by their stored id (16 bytes).

    Left as the driver's tuples: the lookup unpacks each into names once, where a named
    tuple per unit, made here and read field by field there, was a tenth of a phone lookup.
    """
    return {r[0]: r for r in rows(conn, VERDICT_ROWS.format(marks=marks(len(keys))), keys)}


def exclusions(stored: str | None) -> tuple[str, ...]:
    """A policy's exclusions, stored as one JSON list (see _exclusions_of)."""
    return _exclusions_of(stored) if stored else ()


@functools.lru_cache(maxsize=256)
def _exclusions_of(stored: str) -> tuple[str, ...]:
    # Read once per stored text: every unit of a policy's products shares it, and a shop has
    # a few dozen policies at most.
    return tuple(json.loads(stored))


def plans(conn: sqlite3.Connection) -> tuple[PlanRow, ...]:
    """Every extension plan (a handful per shop)."""
    return _plans_of(tuple(rows(conn, PLANS, ())))


@functools.lru_cache(maxsize=8)
def _plans_of(stored: tuple[Any, ...]) -> tuple[PlanRow, ...]:
    # Made from the rows as read, so a changed plan is a new key: the JSON and the terms'
    # checks ran for every plan on every lookup, a tenth of a lookup of one unit.
    return tuple(PlanRow(r[0], r[1], bool(r[8]), ExtensionTerms(
        categories=frozenset(json.loads(r[4]) if r[4] else ()), min_price_minor=r[5],
        max_price_minor=r[6], max_days_since_sale=r[7], months=r[2], price_minor=r[3]))
        for r in stored)
