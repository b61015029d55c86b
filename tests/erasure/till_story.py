"""A customer with a sale, a closed claim, messages and audit entries, to be erased in tests."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tests.conftest import actor
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import claims, decisions
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

SALES, MANAGER = actor(Role.SALES), actor(Role.MANAGER)
# Words found nowhere else in a test shop, so any copy of them left in a file is theirs.
NAME = "Winifred Quillfeather"
PHONE = "+447700900461"
EMAIL = "winifred.quill@example.org"
# How the personal data may be found in the bytes: as stored, its digits, its national form.
TRACES = (NAME, PHONE, "447700900461", "07700900461", EMAIL)


@dataclass(frozen=True, slots=True)
class Story:
    """What was made: the customer's reference, the warranty and the claim."""

    reference: str
    warranty: str
    claim: str


def tell(db: Database, *, close: bool = True) -> Story:
    """Sell to the customer, open a claim in their words, decide it (unless told not to)."""
    sale = record_sale(db, SALES, SaleInput("INV-ERASE-1", date(2026, 11, 1), (
        LineInput("LAP-100", 1, 89_900, ("SN-ERASE-1",)),),
        CustomerInput(NAME, phone="07700 900461", email=EMAIL)))
    code = sale.warranty_codes[0]
    number = claims.start_claim(db, SALES, claims.StartClaim(
        code, f"Screen flickers; {NAME} will collect, call {PHONE}")).number
    if close:
        decisions.decide(db, MANAGER, number, decisions.Decision(
            Outcome.REJECT, f"Liquid damage, shown to {NAME}"))
    conn = sqlite3.connect(db.path)
    try:
        (reference,) = conn.execute("SELECT reference FROM customers").fetchone()
    finally:
        conn.close()
    return Story(str(reference), code, number)


def traces_in(*paths: Path) -> dict[str, list[str]]:
    """Which of the customer's words each file still holds, byte for byte."""
    found: dict[str, list[str]] = {}
    for path in paths:
        raw = path.read_bytes() if path.exists() else b""
        hits = [t for t in TRACES if t.encode() in raw]
        if hits:
            found[path.name] = hits
    return found
