"""Say what a scanned or typed string is: code, invoice, serial, GS1 barcode, phone or name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from biip.gs1_messages import GS1Message

__all__ = [
    "BRANCH_CODE_RE",
    "BRANCH_INVOICE_RE",
    "CLAIM_NUMBER_RE",
    "MAX_SCAN_LENGTH",
    "WARRANTY_CODE_RE",
    "ClaimNumberPart",
    "CodeParts",
    "Scan",
    "ScanKind",
    "classify",
    "format_number",
    "is_branch_code",
    "parse_number",
    "partial_claim_number",
]

# --- People-facing number formats ------------------------------------------------------------
# The patterns describe the canonical (upper-case) form and are anchored with ^ and \Z (not $,
# which would also accept a trailing newline), so .match() and .fullmatch() agree.

_BRANCH = r"[A-Z][A-Z0-9]{1,5}"

BRANCH_CODE_RE = re.compile(rf"^{_BRANCH}\Z", re.ASCII)
WARRANTY_CODE_RE = re.compile(
    rf"^(?P<branch>{_BRANCH})-W-(?P<year>[0-9]{{4}})-(?P<seq>[0-9]{{6,}})\Z", re.ASCII
)
CLAIM_NUMBER_RE = re.compile(
    rf"^(?P<branch>{_BRANCH})-C-(?P<year>[0-9]{{4}})-(?P<seq>[0-9]{{6,}})\Z", re.ASCII
)
BRANCH_INVOICE_RE = re.compile(
    rf"^(?P<branch>{_BRANCH})-I-(?P<year>[0-9]{{4}})-(?P<seq>[0-9]+)\Z", re.ASCII
)

MAX_SCAN_LENGTH = 512

_EXAMPLES = {"W": "BR01-W-2026-000123", "C": "BR01-C-2026-000042", "I": "BR01-I-2026-000001"}
_KIND_WORDS = {"W": "warranty code", "C": "claim number", "I": "invoice number"}


class CodeParts(NamedTuple):
    """The parts of a warranty code or claim number."""

    branch: str
    kind: Literal["W", "C"]
    year: int
    seq: int


def format_number(branch: str, kind: Literal["W", "C"], year: int, seq: int) -> str:
    """Build a warranty code (kind "W") or claim number (kind "C"), e.g. BR01-W-2026-000123."""
    # Callers are our own code, so a bad argument is a bug to surface, not input to forgive.
    if not BRANCH_CODE_RE.match(branch):
        raise ValueError(f"Branch code must be 2 to 6 capital letters or digits: {branch!r}")
    if kind not in ("W", "C"):
        raise ValueError(f"Kind must be 'W' or 'C': {kind!r}")
    if not 1000 <= year <= 9999:
        raise ValueError(f"Year must have four digits: {year!r}")
    if seq < 0:
        raise ValueError(f"Sequence number cannot be negative: {seq!r}")
    return f"{branch}-{kind}-{year:04d}-{seq:06d}"


def is_branch_code(text: str) -> bool:
    """Tell whether text is a branch code exactly as stored (e.g. BR01, MAIN)."""
    return BRANCH_CODE_RE.match(text) is not None


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


class ClaimNumberPart(NamedTuple):
    """The end of a claim number as a person reads it off a ticket: its sequence, maybe its year."""

    year: int | None
    seq: int


# "C-2026-000123", "c 2026 123", "C-123", "C123": the claim number without its branch.
_CLAIM_TAIL_RE = re.compile(r"^C[- ]?(?:(?P<year>[0-9]{4})[- ]+)?(?P<seq>[0-9]{1,9})\Z", re.ASCII)
# The last digits alone ("123", "000123"): a claim's sequence within its year.
_CLAIM_SEQ_RE = re.compile(r"^(?P<seq>[0-9]{1,6})\Z", re.ASCII)


def partial_claim_number(text: str) -> ClaimNumberPart | None:
    """Read a claim number typed without its branch (C-2026-000123) or as its last digits (123).

    Staff read the number off a ticket or hear it on the phone and type the part that differs;
    a full number is a CLAIM_NUMBER scan instead (see classify).
    """
    cleaned = _without_gs(_clean(text)).translate(_DASHES).upper()
    if not cleaned.isascii():
        return None
    match = _CLAIM_TAIL_RE.match(cleaned) or _CLAIM_SEQ_RE.match(cleaned)
    if match is None or int(match["seq"]) == 0:
        return None
    year = match.groupdict().get("year")
    return ClaimNumberPart(int(year) if year else None, int(match["seq"]))


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
        text = _without_gs(_clean(self.raw))
        if _SYMBOLOGY_RE.match(text):
            text = _clean(text[3:])
        if kind is ScanKind.PHONE:
            return _phone_value(text)
        if kind is ScanKind.TEXT:
            return text
        return text.upper() if text.isascii() else text


# --- Cleaning --------------------------------------------------------------------------------

GS = "\x1d"  # ASCII group separator: how scanners send GS1's FNC1 field separator.

# Controls a scanner or a paste can add (NUL, ESC, the RS/EOT of ISO 15434 envelopes, DEL, C1,
# byte-order mark, zero-width space). Tab, CR, LF, VT, FF and NEL are whitespace instead, and GS
# is kept because it separates GS1 fields.
_DROP_RE = re.compile("[\x00-\x08\x0e-\x1c\x1e\x1f\x7f-\x84\x86-\x9f\u200b\ufeff]")
_SPACES_RE = re.compile(r"[^\S\x1d]+")  # any run of whitespace except GS, which str.split eats
# Word processors turn "-" into these when a code is pasted from an e-mail or a PDF.
_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-")
)


def _clean(text: str) -> str:
    collapsed = _SPACES_RE.sub(" ", _DROP_RE.sub("", text))
    return collapsed.strip(" " + GS)


def _without_gs(text: str) -> str:
    """Drop GS once GS1 parsing is over: anywhere else it is scanner noise."""
    return _SPACES_RE.sub(" ", text.replace(GS, "")).strip(" ") if GS in text else text


# --- Shapes ----------------------------------------------------------------------------------

# AIM symbology identifier a scanner may put in front of every code: "]" + symbology + modifier.
_SYMBOLOGY_RE = re.compile(r"^\][A-Za-z][0-9A-Za-z]", re.ASCII)
_GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0"})  # GS1-128, DataMatrix, QR, DataBar
_EAN_SYMBOLOGIES = frozenset({"]E0", "]E4"})  # EAN-13/UPC-A and EAN-8: the data is one GTIN

_HRI_START_RE = re.compile(r"^\([0-9]{2,4}\)", re.ASCII)
_HRI_RE = re.compile(r"(?:\([0-9]{2,4}\)[^()]+)+", re.ASCII)
_HRI_PAIR_RE = re.compile(r"\(([0-9]{2,4})\)([^()]+)", re.ASCII)
# An element string with the GTIN first (AI 01 or 02), as GS1-128 and DataMatrix labels start.
_RAW_GS1_RE = re.compile(r"^0[12][0-9]{14}", re.ASCII)

# Spaces and any dash between the parts are forgiven; the strict regexes above decide validity.
_LOOSE_CODE_RE = re.compile(
    rf"^(?P<branch>{_BRANCH})[- ]+(?P<kind>[WCI])[- ]+(?P<year>[0-9]{{4}})[- ]+(?P<seq>[0-9]+)\Z",
    re.ASCII,
)
_CODE_LIKE_RE = re.compile(rf"^{_BRANCH}-(?P<kind>[WCI])-[0-9]", re.ASCII)

_INV_RE = re.compile(r"^INV(?:[-_/.#:][A-Z0-9][A-Z0-9_/.-]*|[0-9][A-Z0-9_/.-]*)\Z", re.ASCII)
_ORDER_NAME_RE = re.compile(r"^#[A-Z0-9][A-Z0-9_/.-]*\Z", re.ASCII)  # Shopify-style "#1001"
_SERIAL_RE = re.compile(r"^[A-Z0-9_/.-]{4,40}\Z", re.ASCII)
_SHORT_REF_RE = re.compile(r"^[A-Z0-9_/.-]{1,3}\Z", re.ASCII)
_DIGITS_RE = re.compile(r"^[0-9]+\Z", re.ASCII)
_HAS_DIGIT_RE = re.compile(r"[0-9]", re.ASCII)
_PHONE_RE = re.compile(r"^\+?[0-9 ().-]+\Z", re.ASCII)
_PHONE_GROUP_RE = re.compile(r"[0-9]+", re.ASCII)

_GS1_UNREADABLE = (
    "The GS1 barcode could not be read: its contents do not follow the GS1 layout. "
    "Scan again or type the serial."
)
_GS1_NO_KEY = (
    "This GS1 barcode has no product number (GTIN) or serial number. "
    "Scan the barcode that has the serial, or type the serial."
)


def _bad_check_digit(gtin: str) -> str:
    return (
        f"The GS1 barcode could not be read: check digit of GTIN {gtin} is wrong. "
        "Scan again or type the serial."
    )


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
    cleaned = _clean(text)
    if not cleaned:
        return Scan(raw=text, kind=ScanKind.EMPTY, value="", candidates=())
    if len(cleaned) > MAX_SCAN_LENGTH:
        return Scan(
            raw=text,
            kind=ScanKind.TEXT,
            value=_without_gs(cleaned),
            candidates=(ScanKind.TEXT,),
            problem=f"That scan is too long to be a code ({len(cleaned)} characters).",
        )

    if _SYMBOLOGY_RE.match(cleaned):
        identifier, payload = cleaned[:3], _clean(cleaned[3:])
        # GS1 data always starts with a numeric AI; anything else was mislabelled by the
        # scanner and is classified like an unprefixed scan.
        if identifier in _GS1_SYMBOLOGIES and payload[:1].isdigit() and payload.isascii():
            return _from_element_string(text, payload, fallback=payload, forced=True)
        if identifier in _EAN_SYMBOLOGIES and _DIGITS_RE.match(payload):
            gtin = _valid_gtin(payload)
            if gtin is None:
                return _plain(text, payload, problem=_bad_check_digit(payload))
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

    if _HRI_START_RE.match(cleaned) and cleaned.isascii():
        element_string = _hri_to_element_string(cleaned)
        message = _parse_gs1(element_string) if element_string is not None else None
        if message is not None:
            return _from_message(raw, message, fallback=cleaned, candidates=(ScanKind.GS1,))
        if _is_phone_shaped(cleaned):  # "(555)1234567": an area code, not an AI
            return _phone_scan(raw, cleaned)
        return _plain(raw, cleaned, problem=_GS1_UNREADABLE)

    if GS in cleaned and cleaned[:1].isdigit() and cleaned.isascii():
        return _from_element_string(raw, cleaned, fallback=cleaned, forced=True)
    cleaned = _without_gs(cleaned)

    if _RAW_GS1_RE.match(cleaned) and cleaned.isascii():
        # Without a symbology identifier or GS this may just be a long serial, so only a GTIN
        # check digit failure (a misread label) is worth a warning.
        return _from_element_string(raw, cleaned, fallback=cleaned, forced=False)
    return _plain(raw, cleaned)


def _plain(raw: str, cleaned: str, problem: str | None = None) -> Scan:
    """Classify text that is not (or could not be read as) a GS1 element string."""
    cleaned = _without_gs(cleaned)
    dashed = cleaned.translate(_DASHES)
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
            f"That looks like a {_KIND_WORDS[letter]} but is not complete: "
            f"it should look like {_EXAMPLES[letter]}."
        )

    if (_INV_RE.match(upper) or _ORDER_NAME_RE.match(upper)) and _HAS_DIGIT_RE.search(upper):
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
        gtin = _valid_gtin(digits)
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


def _valid_gtin(digits: str) -> str | None:
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


def _hri_to_element_string(text: str) -> str | None:
    """Turn "(01)0950...(21)SN1" into "010950...21SN1" with GS after every field."""
    compact = "".join(text.split())
    if not _HRI_RE.fullmatch(compact):
        return None
    # A GS after every field, required or not, is allowed by the GS1 spec and keeps variable
    # length fields from swallowing the next one.
    return GS.join(ai + data for ai, data in _HRI_PAIR_RE.findall(compact))


def _parse_gs1(payload: str) -> GS1Message | None:
    import biip  # see _valid_gtin

    try:
        return biip.parse(payload).gs1_message
    except Exception:  # biip raises IndexError/ValueError on some malformed input, not only
        return None  # ParseError, and a scan must never crash the counter screen


def _from_element_string(raw: str, payload: str, *, fallback: str, forced: bool) -> Scan:
    message = _parse_gs1(payload)
    if message is None:
        return _plain(raw, fallback, problem=_GS1_UNREADABLE if forced else None)
    # Only digits could also be a long numeric serial that happens to start with 01 or 02.
    bare_digits = not forced and _DIGITS_RE.match(payload) is not None
    candidates = (ScanKind.GS1, ScanKind.SERIAL) if bare_digits else (ScanKind.GS1,)
    return _from_message(raw, message, fallback=fallback, candidates=candidates)


def _from_message(
    raw: str, message: GS1Message, *, fallback: str, candidates: tuple[ScanKind, ...]
) -> Scan:
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

    if bad_gtin is not None:
        # A wrong check digit means the scan was misread; a serial in the same scan is still
        # worth a lookup, with the warning shown.
        problem = _bad_check_digit(bad_gtin)
        if serial is None:
            return _plain(raw, fallback, problem=problem)
        return Scan(
            raw=raw,
            kind=ScanKind.SERIAL,
            value=serial,
            candidates=(ScanKind.SERIAL,),
            serial=serial,
            lot=lot,
            expiry=expiry,
            problem=problem,
        )
    if gtin is None and serial is None:
        hri = "".join(f"({element.ai.ai}){element.value}" for element in message.element_strings)
        return Scan(
            raw=raw,
            kind=ScanKind.GS1,
            value=hri,
            candidates=(ScanKind.GS1,),
            lot=lot,
            expiry=expiry,
            problem=_GS1_NO_KEY,
        )
    return _gs1_scan(raw, gtin=gtin, serial=serial, lot=lot, expiry=expiry, candidates=candidates)


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
