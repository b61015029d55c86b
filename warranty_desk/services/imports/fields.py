"""Cell checks the formats share: dates, quantities, serial lists and customers."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from warranty_desk.services.customers import CustomerInput

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SERIAL_SEPARATORS = re.compile(r"[|;]")


def iso_date(text: str) -> date:
    """A YYYY-MM-DD date; ValueError in plain words otherwise."""
    raw = text.strip()
    if not raw:
        raise ValueError("The date is empty. Write it as YYYY-MM-DD, like 2026-11-02.")
    if not _ISO_DATE.match(raw):
        raise ValueError(f"{raw!r} is not a date in the form YYYY-MM-DD. Write it like 2026-11-02.")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a real calendar date. Check the day and month.") from None


def quantity(text: str) -> int:
    """A whole number of units, at least 1; '2.0' from a spreadsheet counts as 2."""
    raw = text.strip()
    if not raw:
        raise ValueError("The quantity is empty. Write how many units were sold, like 1.")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number. Write how many units were sold, "
                         "like 1.") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"{raw!r} is not a whole number of units. Write it like 1 or 2.")
    if value < 1:
        raise ValueError(f"The quantity {raw} is not a positive number. Returns are not "
                         "imported; leave the row out.")
    return int(value)


def serial_list(text: str) -> tuple[str, ...]:
    """Serials separated by | or ; with blanks dropped."""
    if "|" not in text and ";" not in text:
        # Most lines carry one serial: no split needed.
        single = text.strip()
        return (single,) if single else ()
    return tuple(part.strip() for part in _SERIAL_SEPARATORS.split(text) if part.strip())


def customer(
    name: str, phone: str = "", email: str = "", segment: str = "", reference: str = "",
) -> CustomerInput | None:
    """The customer a row names, or None for an anonymous sale (every field blank)."""
    # A segment alone names nobody: the sale stays anonymous.
    if not any(f.strip() for f in (name, phone, email, reference)):
        return None
    return CustomerInput(name=name.strip(), phone=phone.strip(), email=email.strip(),
                         segment=segment.strip() or "retail", reference=reference.strip())
