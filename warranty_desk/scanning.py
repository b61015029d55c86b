"""Say what a scanned or typed string is: code, invoice, serial, GS1 barcode, phone or name.

The people-facing number formats live in `number_formats`, what a scanner adds to a string in
`scan_text`, and the GS1 fields in `gs1`; this module decides between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from warranty_desk import gs1
from warranty_desk.number_formats import (
    BRANCH,
    BRANCH_INVOICE_RE,
    CLAIM_NUMBER_RE,
    EXAMPLES,
    KIND_WORDS,
    WARRANTY_CODE_RE,
    CodeParts,
)
from warranty_desk.scan_text import DASHES, GS, clean, without_gs

if TYPE_CHECKING:
    from biip.gs1_messages import GS1Message

__all__ = [
    "MAX_SCAN_LENGTH",
    "Scan",
    "ScanKind",
    "classify",
    "parse_number",
]

MAX_SCAN_LENGTH = 512


def parse_number(text: str) -> CodeParts | None:
    """Split a warranty code or claim number, forgiving case, spaces and scanner suffixes."""
    scan = classify(text)
    pattern = {ScanKind.WARRANTY_CODE: WARRANTY_CODE_RE, ScanKind.CLAIM_NUMBER: CLAIM_NUMBER_RE}
    regex = pattern.get(scan.kind)
    match = regex.match(scan.value) if regex is not None else None
    if match is None:
        return None
    kind: Literal["W", "C"] = "W" if scan.kind is ScanKind.WARRANTY_CODE else "C"
    return CodeParts(match["branch"], kind, int(match["year"]), int(match["seq"]))


# --- Scan results ----------------------------------------------------------------------------


class ScanKind(StrEnum):
    """What a scanned or typed string most likely is."""

    WARRANTY_CODE = "warranty_code"
    CLAIM_NUMBER = "claim_number"
    INVOICE_NUMBER = "invoice_number"
    SERIAL = "serial"
    GS1 = "gs1"
    PHONE = "phone"
    TEXT = "text"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Scan:
    """The reading of one scan: best guess, normalised value and every kind worth trying."""

    raw: str
    kind: ScanKind
    value: str
    candidates: tuple[ScanKind, ...]
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: date | None = None
    problem: str | None = None

    def lookup_value(self, kind: ScanKind) -> str:
        """Give the value to search with when trying `kind`, which may not be the best guess."""
        # `value` is normalised for the best guess only: "555-123-4567" is stored as the phone
        # digits 5551234567, but a serial lookup of the same scan must keep the dashes.
        if kind is self.kind:
            return self.value
        if kind is ScanKind.GS1:
            return self.serial or self.gtin or self.value
        if kind is ScanKind.SERIAL and self.serial is not None:
            return self.serial
        text = without_gs(clean(self.raw))
        if _SYMBOLOGY_RE.match(text):
            text = clean(text[3:])
        if kind is ScanKind.PHONE:
            return _phone_value(text)
        if kind is ScanKind.TEXT:
            return text
        return text.upper() if text.isascii() else text


# --- Shapes ----------------------------------------------------------------------------------

# AIM symbology identifier a scanner may put in front of every code: "]" + symbology + modifier.
_SYMBOLOGY_RE = re.compile(r"^\][A-Za-z][0-9A-Za-z]", re.ASCII)
_GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0"})  # GS1-128, DataMatrix, QR, DataBar
_EAN_SYMBOLOGIES = frozenset({"]E0", "]E4"})  # EAN-13/UPC-A and EAN-8: the data is one GTIN

# Spaces and any dash between the parts are forgiven; number_formats' strict regexes decide
# validity.
_LOOSE_CODE_RE = re.compile(
    rf"^(?P<branch>{BRANCH})[- ]+(?P<kind>[WCI])[- ]+(?P<year>[0-9]{{4}})[- ]+(?P<seq>[0-9]+)\Z",
    re.ASCII,
)
_CODE_LIKE_RE = re.compile(rf"^{BRANCH}-(?P<kind>[WCI])-[0-9]", re.ASCII)

_INV_RE = re.compile(r"^INV(?:[-_/.#:][A-Z0-9][A-Z0-9_/.-]*|[0-9][A-Z0-9_/.-]*)\Z", re.ASCII)
_ORDER_NAME_RE = re.compile(r"^#[A-Z0-9][A-Z0-9_/.-]*\Z", re.ASCII)  # Shopify-style "#1001"
_SERIAL_RE = re.compile(r"^[A-Z0-9_/.-]{4,40}\Z", re.ASCII)
_SHORT_REF_RE = re.compile(r"^[A-Z0-9_/.-]{1,3}\Z", re.ASCII)
_DIGITS_RE = re.compile(r"^[0-9]+\Z", re.ASCII)
_HAS_DIGIT_RE = re.compile(r"[0-9]", re.ASCII)
_PHONE_RE = re.compile(r"^\+?[0-9 ().-]+\Z", re.ASCII)
_PHONE_GROUP_RE = re.compile(r"[0-9]+", re.ASCII)


def _phone_value(text: str) -> str:
    digits = "".join(ch for ch in text if "0" <= ch <= "9")
    return "+" + digits if text.startswith("+") else digits


def _phone_digit_count(text: str) -> int:
    return sum(1 for ch in text if "0" <= ch <= "9")


def _is_phone_shaped(text: str) -> bool:
    """7 to 15 digits, separated only by + ( ) - . or spaces, with + only in front."""
    return (
        _PHONE_RE.match(text) is not None
        and 7 <= _phone_digit_count(text) <= 15
        and "+" not in text[1:]
    )


# --- Classification --------------------------------------------------------------------------


def classify(text: str) -> Scan:
    """Say what a scanned or typed string is; pure, and never raises."""
    cleaned = clean(text)
    if not cleaned:
        return Scan(raw=text, kind=ScanKind.EMPTY, value="", candidates=())
    if len(cleaned) > MAX_SCAN_LENGTH:
        return Scan(
            raw=text,
            kind=ScanKind.TEXT,
            value=without_gs(cleaned),
            candidates=(ScanKind.TEXT,),
            problem=f"That scan is too long to be a code ({len(cleaned)} characters).",
        )

    if _SYMBOLOGY_RE.match(cleaned):
        identifier, payload = cleaned[:3], clean(cleaned[3:])
        # GS1 data always starts with a numeric AI; anything else was mislabelled by the
        # scanner and is classified like an unprefixed scan.
        if identifier in _GS1_SYMBOLOGIES and payload[:1].isdigit() and payload.isascii():
            return _from_element_string(text, payload, fallback=payload, forced=True)
        if identifier in _EAN_SYMBOLOGIES and _DIGITS_RE.match(payload):
            gtin = gs1.valid_gtin(payload)
            if gtin is None:
                return _plain(text, payload, problem=gs1.bad_check_digit(payload))
            return _gs1_scan(text, gtin=gtin, candidates=(ScanKind.GS1,))
        if not payload:
            return Scan(raw=text, kind=ScanKind.EMPTY, value="", candidates=())
        cleaned = payload
    return _unprefixed(text, cleaned)


def _unprefixed(raw: str, cleaned: str) -> Scan:
    # A phone typed with spaces, "+" or grouping dashes is a phone before anything else; the
    # bracketed GS1 form never contains those characters between its digits.
    if _is_phone_shaped(cleaned) and any(ch in cleaned for ch in " +.-"):
        return _phone_scan(raw, cleaned)

    if gs1.HRI_START_RE.match(cleaned) and cleaned.isascii():
        element_string = gs1.hri_to_element_string(cleaned)
        message = gs1.parse_gs1(element_string) if element_string is not None else None
        if message is not None:
            return _from_message(raw, message, fallback=cleaned, candidates=(ScanKind.GS1,))
        if _is_phone_shaped(cleaned):  # "(555)1234567": an area code, not an AI
            return _phone_scan(raw, cleaned)
        return _plain(raw, cleaned, problem=gs1.UNREADABLE)

    if GS in cleaned and cleaned[:1].isdigit() and cleaned.isascii():
        return _from_element_string(raw, cleaned, fallback=cleaned, forced=True)
    cleaned = without_gs(cleaned)

    if gs1.RAW_GS1_RE.match(cleaned) and cleaned.isascii():
        # Without a symbology identifier or GS this may just be a long serial, so only a GTIN
        # check digit failure (a misread label) is worth a warning.
        return _from_element_string(raw, cleaned, fallback=cleaned, forced=False)
    return _plain(raw, cleaned)


def _plain(raw: str, cleaned: str, problem: str | None = None) -> Scan:
    """Classify text that is not (or could not be read as) a GS1 element string."""
    cleaned = without_gs(cleaned)
    dashed = cleaned.translate(DASHES)
    # Codes, serials and invoice numbers are ASCII. Test before upper(), which turns some
    # non-ASCII letters into ASCII ("ſ" -> "S").
    upper = dashed.upper() if dashed.isascii() else ""

    code = _LOOSE_CODE_RE.match(upper)
    if code is not None:
        canonical = f"{code['branch']}-{code['kind']}-{code['year']}-{code['seq']}"
        if WARRANTY_CODE_RE.match(canonical):
            return _single(raw, ScanKind.WARRANTY_CODE, canonical, problem)
        if CLAIM_NUMBER_RE.match(canonical):
            return _single(raw, ScanKind.CLAIM_NUMBER, canonical, problem)
        if BRANCH_INVOICE_RE.match(canonical):
            return _single(raw, ScanKind.INVOICE_NUMBER, canonical, problem)

    if " " in cleaned:
        if _is_phone_shaped(cleaned):
            return _phone_scan(raw, cleaned, problem)
        return _single(raw, ScanKind.TEXT, cleaned, problem)

    if not upper:
        return _single(raw, ScanKind.TEXT, cleaned, problem)

    like = _CODE_LIKE_RE.match(upper)
    if like is not None and problem is None:
        letter = like["kind"]
        problem = (
            f"That looks like a {KIND_WORDS[letter]} but is not complete: "
            f"it should look like {EXAMPLES[letter]}."
        )

    if (_INV_RE.match(upper) or _ORDER_NAME_RE.match(upper)) and _HAS_DIGIT_RE.search(upper):
        # Invoice first, but some makers print serials that start "INV" (an inverter's
        # "INV-A-0001"): a serial-shaped one is tried as a serial next, not lost.
        if _SERIAL_RE.match(upper):
            return Scan(raw=raw, kind=ScanKind.INVOICE_NUMBER, value=upper,
                        candidates=(ScanKind.INVOICE_NUMBER, ScanKind.SERIAL), problem=problem)
        return _single(raw, ScanKind.INVOICE_NUMBER, upper, problem)

    if _DIGITS_RE.match(upper):
        return _digits(raw, upper, problem)

    if _is_phone_shaped(upper):  # only digits and brackets, e.g. "(555)1234567"
        return _phone_scan(raw, upper, problem)

    if _HAS_DIGIT_RE.search(upper):
        if _SERIAL_RE.match(upper):
            return _serial_like(raw, upper, problem)
        if _SHORT_REF_RE.match(upper):
            return _single(raw, ScanKind.INVOICE_NUMBER, upper, problem)
    # Names, words without digits, e-mail addresses and anything else go to the name search.
    return _single(raw, ScanKind.TEXT, cleaned, problem)


def _digits(raw: str, digits: str, problem: str | None) -> Scan:
    count = len(digits)
    if count in (12, 13, 14) and problem is None:
        # A valid UPC-A / EAN-13 / GTIN-14 check digit means a product barcode; a serial made of
        # digits passes by chance one time in ten, so SERIAL stays a candidate.
        gtin = gs1.valid_gtin(digits)
        if gtin is not None:
            return _gs1_scan(raw, gtin=gtin, candidates=(ScanKind.GS1, ScanKind.SERIAL))
    if count <= 5:
        # Short numbers are order or invoice numbers ("1001"); serials need 4+ characters.
        short: tuple[ScanKind, ...] = (ScanKind.INVOICE_NUMBER,)
        if count >= 4:
            short += (ScanKind.SERIAL,)
        return Scan(raw=raw, kind=short[0], value=digits, candidates=short, problem=problem)
    if count > 40:
        return _single(raw, ScanKind.TEXT, digits, problem)
    # A bare run of digits has no phone punctuation, so serial is the better first guess;
    # phone and invoice stay candidates for the lookup to try.
    candidates: tuple[ScanKind, ...] = (ScanKind.SERIAL,)
    if 7 <= count <= 15:
        candidates += (ScanKind.PHONE,)
    candidates += (ScanKind.INVOICE_NUMBER,)
    return Scan(raw=raw, kind=ScanKind.SERIAL, value=digits, candidates=candidates, problem=problem)


def _serial_like(raw: str, token: str, problem: str | None) -> Scan:
    # Invoice numbers from other POS systems have no fixed format, so every serial-shaped token
    # is also tried as an invoice.
    return Scan(
        raw=raw,
        kind=ScanKind.SERIAL,
        value=token,
        candidates=(ScanKind.SERIAL, ScanKind.INVOICE_NUMBER),
        problem=problem,
    )


def _phone_scan(raw: str, text: str, problem: str | None = None) -> Scan:
    candidates: tuple[ScanKind, ...] = (ScanKind.PHONE,)
    separators = {ch for ch in text if not "0" <= ch <= "9"}
    if separators <= {"-", "."} and len(text) <= 40:
        # Only dashes or dots: also a legal serial or invoice. Phone first when the groups look
        # like phone groups (555-123-4567), otherwise serial first (2026-000123).
        groups = _PHONE_GROUP_RE.findall(text)
        if all(2 <= len(group) <= 4 for group in groups):
            candidates += (ScanKind.SERIAL, ScanKind.INVOICE_NUMBER)
        else:
            return Scan(
                raw=raw,
                kind=ScanKind.SERIAL,
                value=text,
                candidates=(ScanKind.SERIAL, ScanKind.INVOICE_NUMBER, ScanKind.PHONE),
                problem=problem,
            )
    return Scan(
        raw=raw,
        kind=ScanKind.PHONE,
        value=_phone_value(text),
        candidates=candidates,
        problem=problem,
    )


def _single(raw: str, kind: ScanKind, value: str, problem: str | None) -> Scan:
    return Scan(raw=raw, kind=kind, value=value, candidates=(kind,), problem=problem)


# --- GS1 -------------------------------------------------------------------------------------


def _from_element_string(raw: str, payload: str, *, fallback: str, forced: bool) -> Scan:
    message = gs1.parse_gs1(payload)
    if message is None:
        return _plain(raw, fallback, problem=gs1.UNREADABLE if forced else None)
    # Only digits could also be a long numeric serial that happens to start with 01 or 02.
    bare_digits = not forced and _DIGITS_RE.match(payload) is not None
    candidates = (ScanKind.GS1, ScanKind.SERIAL) if bare_digits else (ScanKind.GS1,)
    return _from_message(raw, message, fallback=fallback, candidates=candidates)


def _from_message(
    raw: str, message: GS1Message, *, fallback: str, candidates: tuple[ScanKind, ...]
) -> Scan:
    found = gs1.fields_of(message)
    if found.bad_gtin is not None:
        # A wrong check digit means the scan was misread; a serial in the same scan is still
        # worth a lookup, with the warning shown.
        problem = gs1.bad_check_digit(found.bad_gtin)
        if found.serial is None:
            return _plain(raw, fallback, problem=problem)
        return Scan(
            raw=raw,
            kind=ScanKind.SERIAL,
            value=found.serial,
            candidates=(ScanKind.SERIAL,),
            serial=found.serial,
            lot=found.lot,
            expiry=found.expiry,
            problem=problem,
        )
    if found.gtin is None and found.serial is None:
        return Scan(
            raw=raw,
            kind=ScanKind.GS1,
            value=gs1.hri_of(message),
            candidates=(ScanKind.GS1,),
            lot=found.lot,
            expiry=found.expiry,
            problem=gs1.NO_KEY,
        )
    return _gs1_scan(raw, gtin=found.gtin, serial=found.serial, lot=found.lot,
                     expiry=found.expiry, candidates=candidates)


def _gs1_scan(
    raw: str,
    *,
    gtin: str | None,
    candidates: tuple[ScanKind, ...],
    serial: str | None = None,
    lot: str | None = None,
    expiry: date | None = None,
) -> Scan:
    return Scan(
        raw=raw,
        kind=ScanKind.GS1,
        value=serial or gtin or "",
        candidates=candidates,
        gtin=gtin,
        serial=serial,
        lot=lot,
        expiry=expiry,
    )
