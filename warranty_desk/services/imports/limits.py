"""How much one import file may hold, and how long each field it brings may be.

The lengths are those of the columns that keep each field (a SQLite column does not refuse a
longer text, so the import must); the counts keep one import within what a till's memory and
one transaction carry well, with room over the 100,000-line budget.
"""

from __future__ import annotations

from datetime import date

# A 100,000-line export of our own CSV is about 10 MB, of Shopify's (70 columns) about 60 MB.
MAX_FILE_BYTES = 64 * 1024 * 1024
# Data rows of a CSV, or invoice lines of a JSON document: twice the budgeted 100,000.
MAX_ROWS = 200_000
# Units (one warranty each) in one file: a 200,000-row file of single units fits.
MAX_UNITS = 200_000
# Units on one invoice line: a line of more is no counter sale, and each unit is a warranty.
MAX_QUANTITY = 1_000
# Sales before this day have no cover left to register.
EARLIEST_SALE = date(2000, 1, 1)

# Characters each field may have, from the column that keeps it.
INVOICE = 64  # sales.invoice_number
SKU = 64  # products.sku
SERIAL = 64  # warranties.serial
# One serial per unit, each with its separator.
SERIALS = MAX_QUANTITY * (SERIAL + 1)
PLAN = 200  # extension_plans.name
NAME = 200  # customers.name
EMAIL = 200  # customers.email
REFERENCE = 40  # customers.reference
SEGMENT = 20  # retail, vip, business, reseller
# E.164 keeps 15 digits; a written number has spaces, brackets and a 00 or + in front.
PHONE = 40
# A date with its time and zone, like 2026-11-02 14:03:11 +0100.
DATE = 40
# An amount or a quantity as text: $999,999,999.99 is 15.
NUMBER = 40
# A value the import only compares with a short list (financial status, event type).
WORD = 40


def size_words(count: int) -> str:
    """A byte count in the words a person reads: 64 MB, 80.5 MB, 12 KB, 300 bytes."""
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= size:
            return f"{count / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"
