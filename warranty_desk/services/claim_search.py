"""Finding claims by their number, whole or in part, for the counter and the claims board."""

from __future__ import annotations

import json
import sqlite3
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement

from warranty_desk.models import Claim
from warranty_desk.number_formats import ClaimNumberPart, partial_claim_number
from warranty_desk.scanning import Scan, ScanKind
from warranty_desk.services import lookup_rows
from warranty_desk.views import ClaimMatch

# Sequence 123 is one claim per branch and year; more than this is a search to narrow.
MAX_CLAIMS = 50

# The claims a scan names, newest first, each with its customer and product; {test} is the
# number's test from number_test.
_FIND = """
SELECT c.number, c.state, c.opened_at, c.claimed_purchase, p.name, cu.name, cu.phone,
       c.claimant_name, c.claimant_phone
FROM claims c
LEFT JOIN products p ON p.id = c.product_id
LEFT JOIN customers cu ON cu.id = c.customer_id
WHERE c.number {test} ?
ORDER BY c.opened_at DESC, c.number DESC
LIMIT {limit}"""


def number_pattern(part: ClaimNumberPart) -> str:
    """The LIKE pattern of claims whose number ends in this year and sequence (any branch; any
    year without one).

    Numbers are BR01-C-2026-000123: the sequence is zero-padded to six digits at least, so the
    end is exact and "123" never finds 001123.
    """
    year = f"{part.year:04d}" if part.year is not None else "____"
    return f"%-C-{year}-{part.seq:06d}"


def number_test(scan: Scan) -> tuple[str, str] | None:
    """How a scan names claims by number: ("=", the whole number) or ("LIKE", the pattern of
    its end); None if it names none."""
    if scan.kind is ScanKind.CLAIM_NUMBER:
        return "=", scan.value
    part = partial_claim_number(scan.raw)
    return ("LIKE", number_pattern(part)) if part is not None else None


def claim_condition(scan: Scan) -> ColumnElement[bool] | None:
    """The claims a scan names by number, as a condition on Claim; None if it names none."""
    test = number_test(scan)
    if test is None:
        return None
    operator, value = test
    return Claim.number == value if operator == "=" else Claim.number.like(value)


def find_claims(conn: sqlite3.Connection, scan: Scan, zone: ZoneInfo) -> tuple[ClaimMatch, ...]:
    """The claims a scan names by number, the newest first, each with its customer and product
    (opened on the shop's calendar in `zone`); on a driver connection, as the lookup's reads."""
    test = number_test(scan)
    if test is None:
        return ()
    operator, value = test
    rows = lookup_rows.rows(conn, _FIND.format(test=operator, limit=MAX_CLAIMS), [value])
    return tuple(ClaimMatch(
        number=number, state=state,
        product=product or str(_purchase(purchase).get("product") or "unknown product"),
        customer_name=customer or None, customer_phone=phone or None,
        opened_on=lookup_rows.utc(opened_at).astimezone(zone).date(),
        claimant_name=claimant or None, claimant_phone=claimant_phone or None)
        for number, state, opened_at, purchase, product, customer, phone, claimant,
        claimant_phone in rows)


def _purchase(stored: str | None) -> dict[str, object]:
    """The claimed purchase as stored (JSON text), as the model's JSON column reads it."""
    found = json.loads(stored) if stored else None
    return found if isinstance(found, dict) else {}
