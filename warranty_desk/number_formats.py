"""People-facing numbers: warranty codes, claim numbers and branch invoices, built and checked,
and a claim number typed in part."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from warranty_desk.scan_text import DASHES, clean, without_gs

# The patterns describe the canonical (upper-case) form and are anchored with ^ and \Z (not $,
# which would also accept a trailing newline), so .match() and .fullmatch() agree.

BRANCH = r"[A-Z][A-Z0-9]{1,5}"  # a branch code, as a piece of a pattern

BRANCH_CODE_RE = re.compile(rf"^{BRANCH}\Z", re.ASCII)
WARRANTY_CODE_RE = re.compile(
    rf"^(?P<branch>{BRANCH})-W-(?P<year>[0-9]{{4}})-(?P<seq>[0-9]{{6,}})\Z", re.ASCII
)
CLAIM_NUMBER_RE = re.compile(
    rf"^(?P<branch>{BRANCH})-C-(?P<year>[0-9]{{4}})-(?P<seq>[0-9]{{6,}})\Z", re.ASCII
)
BRANCH_INVOICE_RE = re.compile(
    rf"^(?P<branch>{BRANCH})-I-(?P<year>[0-9]{{4}})-(?P<seq>[0-9]+)\Z", re.ASCII
)

# Each kind of number by its letter: an example of it, and its name in words.
EXAMPLES = {"W": "BR01-W-2026-000123", "C": "BR01-C-2026-000042", "I": "BR01-I-2026-000001"}
KIND_WORDS = {"W": "warranty code", "C": "claim number", "I": "invoice number"}


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
    a full number is a CLAIM_NUMBER scan instead (see scanning.classify).
    """
    cleaned = without_gs(clean(text)).translate(DASHES).upper()
    if not cleaned.isascii():
        return None
    match = _CLAIM_TAIL_RE.match(cleaned) or _CLAIM_SEQ_RE.match(cleaned)
    if match is None or int(match["seq"]) == 0:
        return None
    year = match.groupdict().get("year")
    return ClaimNumberPart(int(year) if year else None, int(match["seq"]))
