"""Cell checks the formats share: dates, quantities, text cells, prices, serials, customers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from warranty_desk.money import MoneyError, parse_amount
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.imports import limits

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SERIAL_SEPARATORS = re.compile(r"[|;]")
# Digits only; a spreadsheet may add ".0" to a whole number.
_WHOLE = re.compile(r"^(\d+)(?:\.0+)?$")
_SIGNED_WHOLE = re.compile(r"^[+-]?(\d+)(?:\.0+)?$")
# What a spreadsheet runs as a formula when it opens the file: a cell starting with = or @, or
# with + or - unless a plain number follows (OWASP's CSV injection list; a leading tab or
# carriage return is found before the cell is trimmed).
FORMULA_START = ("=", "@", "+", "-")
_CONTROLS = {"\t": "a tab", "\r": "a carriage return"}
_PLAIN_NUMBER = re.compile(r"^[+-]\d+(?:\.\d+)?$")
# How much of a refused value a message repeats: enough to find the cell, never a whole page.
_SHOWN = 40


@dataclass(frozen=True, slots=True)
class Field:
    """What one text column may hold: how many characters, and whether a formula is refused.

    Phones are exempt from the formula check: "+44 7700 900596" is how a number is written,
    and only its E.164 form is kept.
    """

    limit: int
    what: str
    text: bool = True


def shown(text: str) -> str:
    """A cell's start, quoted, for a message that must not repeat a whole long cell."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


def formula_reason(raw: str) -> str | None:
    """Why a spreadsheet would run this cell as a formula, or None when it would not."""
    first = raw[:1]
    if first in _CONTROLS:
        return f"it starts with {_CONTROLS[first]}"
    cell = raw.strip()
    first = cell[:1]
    if first in ("=", "@"):
        return f"it starts with {first}"
    if first in ("+", "-") and not _PLAIN_NUMBER.match(cell):
        return f"it starts with {first} and is not a plain number"
    return None


# C0 control characters other than tab, line feed and carriage return: no spreadsheet or shop
# system writes them into a sales file, so they mean damage (a disk error, a copy cut short and
# joined, the wrong encoding), and a NUL kept in a name would break every screen showing it.
DAMAGE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REMOVE_DAMAGE = "Export it again, or remove that character in a text editor."


def cell_problem(raw: str, field: Field, subject: str = "This cell") -> str | None:
    """What is wrong with one text cell (a control character, too long, or a formula), or None
    when it is fine. A CSV is refused line by line before its cells are read; a JSON string
    carries such a character as an escape (\\u0000), found only here."""
    damage = DAMAGE_RE.search(raw)
    if damage is not None:
        return (f"{subject} holds a control character (U+{ord(damage.group()):04X}) that no "
                f"sales export writes, so the file is damaged. {REMOVE_DAMAGE}")
    length = len(raw.strip())
    if length > field.limit:
        return (f"{subject} has {length:,} characters, and {field.what} may have at most "
                f"{field.limit}. Check that it holds {field.what}, and shorten it.")
    why = formula_reason(raw) if field.text else None
    if why is not None:
        # A leading tab or carriage return stays in what is shown (as \t or \r), or the
        # person would look for a first character they cannot see.
        cell = raw.strip() if raw[:1] not in _CONTROLS else raw.rstrip()
        return (f"{shown(cell)} would run as a formula when the file is opened in a "
                f"spreadsheet ({why}). Remove that first character, or export the file "
                "again.")
    return None


def iso_date(text: str) -> date:
    """A YYYY-MM-DD date; ValueError in plain words otherwise."""
    raw = text.strip()
    if not raw:
        raise ValueError("The date is empty. Write it as YYYY-MM-DD, like 2026-11-02.")
    if not _ISO_DATE.match(raw):
        raise ValueError(f"{shown(raw)} is not a date in the form YYYY-MM-DD. Write it like "
                         "2026-11-02.")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a real calendar date. Check the day and month.") from None
    return sale_day(day)


def sale_day(day: date) -> date:
    """The day itself when a sale on it can still have cover to register; ValueError before."""
    if day < limits.EARLIEST_SALE:
        raise ValueError(f"The sale date {day} is before {limits.EARLIEST_SALE}: no cover from "
                         "then is left to register. Check the date.")
    return day


def quantity(text: str) -> int:
    """A whole number of units from 1 to the line limit; '2.0' from a spreadsheet counts as 2.

    Only digits: '1e4' or '1,000' is refused rather than read as ten thousand or a thousand.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("The quantity is empty. Write how many units were sold, like 1.")
    found = _WHOLE.match(raw)
    if found is None:
        if _SIGNED_WHOLE.match(raw) and raw.startswith("-"):
            raise ValueError(f"The quantity {raw} is not a positive number. Returns are not "
                             "imported; leave the row out.")
        raise ValueError(f"{shown(raw)} is not a whole number of units. Write it with digits "
                         "only, like 1 or 2.")
    return _in_range(found.group(1), raw)


def signed_quantity(text: str) -> int:
    """Units on a refund row, which an export may write as -1 or as 1: the count, unsigned.

    0 is money paid back with no unit coming back (a price adjustment).
    """
    raw = text.strip()
    found = _SIGNED_WHOLE.match(raw)
    if found is None:
        raise ValueError(f"{shown(raw)} is not a whole number of units. Write it with digits "
                         "only, like 1 or -1.")
    return _in_range(found.group(1), raw, least=0)


def _in_range(digits: str, raw: str, *, least: int = 1) -> int:
    # Digits past the limit's own are over it: such text is never turned into a number.
    units = int(digits) if len(digits) <= len(str(limits.MAX_QUANTITY)) else limits.MAX_QUANTITY + 1
    if units < least:
        raise ValueError(f"The quantity {raw} is not a positive number. Returns are not "
                         "imported; leave the row out.")
    if units > limits.MAX_QUANTITY:
        raise ValueError(f"{shown(raw)} units on one line is more than the {limits.MAX_QUANTITY:,} "
                         "Warranty Desk takes: each unit gets its own warranty. Check the "
                         "quantity, or split the line.")
    return units


def amount(text: str, currency: str, *, negative: str) -> int:
    """An amount as an export writes it ($1,299.00 too), in minor units; `negative` says
    what to do when it is below zero."""
    minor = parse_amount(text, currency, symbols=True)
    if minor < 0:
        raise MoneyError(f"{shown(text.strip())} is negative. {negative}")
    return minor


def unit_prices(total_minor: int, units: int) -> list[tuple[int, int]]:
    """(units, price per unit) that add up to exactly what was paid for the line.

    A discount need not divide by the units: 40.00 for 3 is one unit at 13.34 and two at
    13.33, so no unit is said to have cost more than was paid, and the line adds up.
    """
    each, extra = divmod(total_minor, units)
    if not extra:
        return [(units, each)]
    return [(extra, each + 1), (units - extra, each)]


def serial_list(text: str) -> tuple[str, ...]:
    """Serials separated by | or ; with blanks dropped."""
    if "|" not in text and ";" not in text:
        # Most lines carry one serial: no split needed.
        single = text.strip()
        return (single,) if single else ()
    return tuple(part.strip() for part in _SERIAL_SEPARATORS.split(text) if part.strip())


def customer(
    name: str, phone: str = "", email: str = "", segment: str = "", reference: str = "", *,
    reminders_agreed: bool = False,
) -> CustomerInput | None:
    """The customer a row names, or None for an anonymous sale (every field blank)."""
    # A segment alone names nobody: the sale stays anonymous.
    if not any(f.strip() for f in (name, phone, email, reference)):
        return None
    return CustomerInput(name=name.strip(), phone=phone.strip(), email=email.strip(),
                         segment=segment.strip() or "retail", reference=reference.strip(),
                         reminders_agreed=reminders_agreed)


_YES, _NO = frozenset({"yes", "y", "true", "1"}), frozenset({"no", "n", "false", "0", ""})


def yes_or_no(text: str) -> bool:
    """A cell that answers yes or no (blank is no); ValueError in words for anything else."""
    word = text.strip().casefold()
    if word in _YES or word in _NO:
        return word in _YES
    raise ValueError(f"{text.strip()!r} is neither yes nor no. Write yes if the customer "
                     "agreed to reminders before a warranty ends, else no or leave it blank.")
