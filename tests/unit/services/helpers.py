"""Shared set-up for service tests: a sale with known warranties on the test catalogue."""

from __future__ import annotations

import sqlite3
from datetime import date

from tests.conftest import actor
from warranty_desk.permissions import Role
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.services.sale_plan import SaleResult
from warranty_desk.storage.database import Database

ADA = CustomerInput("Ada Lovelace", phone="+44 20 7946 0958", email="ada@example.org")


def sell(
    db: Database, invoice: str = "INV-1001", *, sku: str = "LAP-100", serials: tuple[str, ...] =
    ("SN-LAP-0001",), sold_on: date = date(2026, 11, 1), price: int = 89_900,
    extension: str | None = None,
) -> SaleResult:
    """Record one sale line through the real activation service."""
    return record_sale(db, actor(Role.SALES), SaleInput(
        invoice, sold_on, (LineInput(sku, len(serials) or 1, price, serials, extension),), ADA))


def inspect(db: Database, number: str) -> None:
    """Take an open claim to inspection, its proof and a photo attached: ready for a decision."""
    from warranty_desk.rules.claim_states import ClaimState
    from warranty_desk.services import claims

    claims.advance(db, actor(Role.TECHNICIAN), number, ClaimState.REVIEWING)
    for n, kind in enumerate(("proof_of_purchase", "photo_of_fault")):
        claims.attach_evidence(db, actor(Role.SALES), number, kind=kind, sha256=f"{n:064x}",
                               media_type="image/jpeg", size=10)
    claims.advance(db, actor(Role.TECHNICIAN), number, ClaimState.INSPECTING)


def inspected(db: Database, serial: str, invoice: str) -> str:
    """A claim on a new sale's unit, at inspection."""
    from warranty_desk.services import claims

    code = sell(db, invoice, serials=(serial,)).warranty_codes[0]
    number = claims.start_claim(db, actor(Role.SALES), claims.StartClaim(code, "Dead")).number
    inspect(db, number)
    return number


def audit_rows(db: Database, action: str) -> list[tuple[str, str]]:
    """Who did `action` and its details (JSON text), oldest first, read straight from SQLite."""
    return [(str(who), str(details)) for who, details in rows(
        db, "SELECT actor_name, details FROM audit_entries WHERE action = ? ORDER BY seq",
        action)]


def write_sql(db: Database, statement: str, *args: object) -> None:
    """Write by hand, as another tool might, on a connection of its own."""
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute(statement, args)
    conn.close()


def rows(db: Database, query: str, *args: object) -> list[tuple[object, ...]]:
    """What a query reads from the database file, on a connection of its own."""
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def execute(db: Database, statement: str, *args: object) -> None:
    """Change the database file behind the services' back, on a connection of its own."""
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute(statement, args)
    conn.close()
