"""Payment card numbers typed into free text: found by shape and check digit, masked at input.

A shop must not keep card numbers (PCI DSS), and people do paste them into a fault or a note
("paid with 4111 1111 …"). The number is replaced at input by words that say what happened and
keep only its last four digits, which PCI allows and which is all a shop ever needs to match a
receipt. Serials and barcodes are never passed through here: they have their own columns.
"""

from __future__ import annotations

import re

# 13 to 19 digits, single spaces or dashes allowed between them, as cards are written.
_CANDIDATE = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])", re.ASCII)


def luhn_valid(digits: str) -> bool:
    """Whether a run of digits passes the Luhn check, as every card number does."""
    total = 0
    for place, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if place % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _digits(text: str) -> str:
    return "".join(ch for ch in text if "0" <= ch <= "9")


def typed(text: str) -> str:
    """What a person typed into a reason, note or message: stripped, card numbers masked."""
    return masked(text.strip())


def masked(text: str) -> str:
    """The text with every card-like number replaced by words keeping its last four digits."""
    if not text:
        return text

    def replace(found: re.Match[str]) -> str:
        digits = _digits(found.group(0))
        if not luhn_valid(digits):
            return found.group(0)
        return f"[card number removed, ending {digits[-4:]}]"

    return _CANDIDATE.sub(replace, text)
