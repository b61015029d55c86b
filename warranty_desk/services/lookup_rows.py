"""The lookup's reads as plain SQL on a driver connection: the counter's hot path.

A scan must show its verdict within a frame. Building, caching and executing ORM statements
cost about a millisecond per lookup on a million warranties, most of it Python around five
small queries; these reads run the same SQL straight through the driver and convert the
columns here (ids are 16-byte blobs, dates ISO text, timestamps naive UTC text). The lookup
itself runs them in a bare read transaction (Database.driver_read); services holding a
session pass its own connection (storage.database.driver_of).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

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
LAYERS = ("SELECT warranty_id, kind, start_on, end_on, extension_plan_id FROM warranty_layers "
          "WHERE warranty_id IN ({marks}) ORDER BY start_on")
CLAIMS = ("SELECT warranty_id, number, state, outcome, opened_at, fault, channel, claimant_name, "
          "claimant_phone FROM claims WHERE warranty_id IN ({marks}) ORDER BY opened_at DESC")
PLANS = ("SELECT id, name, months, price_minor, categories, min_price_minor, max_price_minor, "
         "max_days_since_sale, active FROM extension_plans")


class VerdictRow(NamedTuple):
    """One warranty with everything its verdict needs, columns already converted.

    A named tuple, not a frozen dataclass: made once per unit found (fifty for a busy phone
    number), and a tuple is made in a third of the time.
    """

    code: str
    serial: str | None
    start_on: date
    end_on: date
    status: str
    void_reason: str | None
    name: str
    sku: str
    category: str
    brand: str
    terms: str
    exclusions: tuple[str, ...]
    customer_name: str | None
    phone: str | None
    reference: str | None
    invoice_number: str
    sold_on: date
    unit_price_minor: int
    awaits_delivery: bool


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


def utc(text: str) -> datetime:
    """A stored timestamp (naive UTC text) as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def verdict_rows(conn: sqlite3.Connection, keys: Sequence[bytes]) -> dict[bytes, VerdictRow]:
    """The warranties' rows by their stored id (16 bytes)."""
    found = {}
    # A policy's exclusions are one JSON list shared by every unit of its products.
    exclusions: dict[str, tuple[str, ...]] = {}
    for r in rows(conn, VERDICT_ROWS.format(marks=marks(len(keys))), keys):
        stored = r[12]
        if stored not in exclusions:
            exclusions[stored] = tuple(json.loads(stored) if stored else ())
        found[r[0]] = VerdictRow(
            r[1], r[2], date.fromisoformat(r[3]), date.fromisoformat(r[4]), r[5], r[6],
            r[7], r[8], r[9], r[10], r[11], exclusions[stored], r[13],
            r[14], r[15], r[16], date.fromisoformat(r[17]), r[18], bool(r[19]))
    return found


def plans(conn: sqlite3.Connection) -> list[PlanRow]:
    """Every extension plan (a handful per shop)."""
    return [PlanRow(r[0], r[1], bool(r[8]), ExtensionTerms(
        categories=frozenset(json.loads(r[4]) if r[4] else ()), min_price_minor=r[5],
        max_price_minor=r[6], max_days_since_sale=r[7], months=r[2], price_minor=r[3]))
        for r in rows(conn, PLANS, ())]
