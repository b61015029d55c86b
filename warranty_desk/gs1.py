"""GS1 barcodes read: a GTIN's check digit, the bracketed form people see under the bars, and
the fields of an element string (GTIN, serial, lot, expiry), with their problems in words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from warranty_desk.scan_text import GS

if TYPE_CHECKING:
    from biip.gs1_messages import GS1Message

# The bracketed form printed under the bars: "(01)09506000134352(21)SN1".
HRI_START_RE = re.compile(r"^\([0-9]{2,4}\)", re.ASCII)
_HRI_RE = re.compile(r"(?:\([0-9]{2,4}\)[^()]+)+", re.ASCII)
_HRI_PAIR_RE = re.compile(r"\(([0-9]{2,4})\)([^()]+)", re.ASCII)
# An element string with the GTIN first (AI 01 or 02), as GS1-128 and DataMatrix labels start.
RAW_GS1_RE = re.compile(r"^0[12][0-9]{14}", re.ASCII)

UNREADABLE = (
    "The GS1 barcode could not be read: its contents do not follow the GS1 layout. "
    "Scan again or type the serial."
)
NO_KEY = (
    "This GS1 barcode has no product number (GTIN) or serial number. "
    "Scan the barcode that has the serial, or type the serial."
)


def bad_check_digit(gtin: str) -> str:
    """The problem with a GTIN whose check digit is wrong, in words."""
    return (
        f"The GS1 barcode could not be read: check digit of GTIN {gtin} is wrong. "
        "Scan again or type the serial."
    )


def valid_gtin(digits: str) -> str | None:
    """Return the GTIN as 14 digits when its check digit is right, else None."""
    if not digits.strip("0"):
        return None  # all zeros passes the check digit but names no product
    # biip parses its company-prefix tables on import (about 60 ms): loaded on the first
    # barcode that needs it (or by the app's warm-up after start), not before a scan is possible.
    from biip.gtin import Gtin

    try:
        Gtin.parse(digits)
    except Exception:  # biip signals bad data with several exception types; all mean "no"
        return None
    # Stored as GTIN-14 so a bare EAN-13 and the (01) field of a GS1-128 label compare equal.
    return digits.zfill(14)


def hri_to_element_string(text: str) -> str | None:
    """Turn "(01)0950...(21)SN1" into "010950...21SN1" with GS after every field."""
    compact = "".join(text.split())
    if not _HRI_RE.fullmatch(compact):
        return None
    # A GS after every field, required or not, is allowed by the GS1 spec and keeps variable
    # length fields from swallowing the next one.
    return GS.join(ai + data for ai, data in _HRI_PAIR_RE.findall(compact))


def parse_gs1(payload: str) -> GS1Message | None:
    """The element string's message, or None when it does not follow the GS1 layout."""
    import biip  # see valid_gtin

    try:
        return biip.parse(payload).gs1_message
    except Exception:  # biip raises IndexError/ValueError on some malformed input, not only
        return None  # ParseError, and a scan must never crash the counter screen


@dataclass(frozen=True, slots=True)
class Fields:
    """The fields a lookup uses, each the first of its kind in the message."""

    gtin: str | None  # with a right check digit
    bad_gtin: str | None  # a GTIN field whose check digit is wrong: the scan was misread
    serial: str | None
    lot: str | None
    expiry: date | None


def fields_of(message: GS1Message) -> Fields:
    """A message's GTIN, serial, lot and expiry."""
    gtin: str | None = None
    bad_gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: date | None = None
    for element in message.element_strings:
        ai = element.ai.ai
        if ai in ("01", "02") and gtin is None and bad_gtin is None:
            if element.gtin is not None:
                gtin = element.value
            else:
                bad_gtin = element.value
        elif ai == "21" and serial is None:
            # Serials are compared upper-case everywhere, whether scanned or typed.
            serial = element.value.upper()
        elif ai == "10" and lot is None:
            lot = element.value
        elif ai == "17" and expiry is None:
            expiry = element.date
    return Fields(gtin, bad_gtin, serial, lot, expiry)


def hri_of(message: GS1Message) -> str:
    """The message in its bracketed form, as printed under the bars."""
    return "".join(f"({element.ai.ai}){element.value}" for element in message.element_strings)
