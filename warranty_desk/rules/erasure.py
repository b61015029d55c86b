"""Erasing a customer's personal data from text and JSON: what replaces a name, number, address.

Pure, so the till (services/erasure.py) and head office (portal/customers/erasure.py) scrub a
record the same way: the same event, scrubbed on either side, reads the same. A whole field
that is the customer's name becomes their pseudonym ("Erased customer 7F3A"); a whole field
that is their phone, email or address becomes empty (an empty phone is a valid phone in every
record); inside longer text each becomes a bracketed word, so a message still reads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Shorter values are ordinary words ("Al", "Jo") as often as they are a name: replacing them
# inside other text would mangle it, so they are replaced only where they are a whole field.
MIN_INSIDE = 4
ERASED_PHONE = "[phone erased]"
ERASED_EMAIL = "[email erased]"
ERASED_ADDRESS = "[address erased]"


def pseudonym(reference: str) -> str:
    """The name an erased customer's records carry from now on; the same at the till and at
    head office, from the reference both hold (which names no one once the data is gone)."""
    tag = hashlib.sha256(reference.strip().upper().encode()).hexdigest()[:4].upper()
    return f"Erased customer {tag}"


def _phone_forms(phone: str) -> set[str]:
    """A stored E.164 number as it may be written elsewhere: as is, without +, its digits."""
    digits = "".join(c for c in phone if c.isdigit())
    forms = {phone, digits}
    if phone.startswith("+44") and len(digits) > 4:
        forms.add("0" + digits[2:])  # the British national form, as a message may write it
    return {f for f in forms if f}


@dataclass(frozen=True, slots=True)
class Words:
    """What to erase (each value with its replacement), longest first so a name inside a
    longer value (an address naming the person) goes with the longer one."""

    pairs: tuple[tuple[str, str, str], ...]  # (value, whole-field replacement, inside text)

    @classmethod
    def of(cls, reference: str, *, names: Iterable[str] = (), phones: Iterable[str] = (),
           emails: Iterable[str] = (), addresses: Iterable[str] = ()) -> Words:
        """The words of one customer, each kind with its replacement."""
        alias = pseudonym(reference)
        found: dict[str, tuple[str, str]] = {}
        for name in names:
            found.setdefault(name.strip(), (alias, alias))
        for phone in phones:
            for form in _phone_forms(phone.strip()):
                found.setdefault(form, ("", ERASED_PHONE))
        for email in emails:
            for form in {email.strip(), email.strip().lower()}:
                found.setdefault(form, ("", ERASED_EMAIL))
        for address in addresses:
            found.setdefault(address.strip(), ("", ERASED_ADDRESS))
        pairs = tuple(sorted(((v, whole, inside) for v, (whole, inside) in found.items() if v),
                             key=lambda p: (-len(p[0]), p[0])))
        return cls(pairs)

    @property
    def values(self) -> tuple[str, ...]:
        """Every value to look for."""
        return tuple(v for v, _, _ in self.pairs)

    def searchable(self) -> tuple[str, ...]:
        """The values worth looking for inside stored text (a short one only as a whole field,
        which a search for the longer values of the same record finds anyway)."""
        return tuple(v for v in self.values if len(v) >= MIN_INSIDE)


def scrub_text(text: str, words: Words) -> str:
    """The text with every value of the words erased."""
    for value, whole, _inside in words.pairs:
        if text.strip() == value:
            return whole
    for value, _whole, inside in words.pairs:
        if len(value) >= MIN_INSIDE and value in text:
            text = text.replace(value, inside)
    return text


def scrub(value: Any, words: Words) -> Any:
    """A JSON value (object, list, text) with every value of the words erased, keys too."""
    if isinstance(value, str):
        return scrub_text(value, words)
    if isinstance(value, list):
        return [scrub(v, words) for v in value]
    if isinstance(value, dict):
        return {scrub_text(k, words) if isinstance(k, str) else k: scrub(v, words)
                for k, v in value.items()}
    return value


def scrub_json_text(text: str, words: Words, **dump: Any) -> str:
    """JSON text scrubbed value by value (the JSON stays valid); text that is not JSON is
    scrubbed as text."""
    try:
        loaded = json.loads(text)
    except ValueError:
        return scrub_text(text, words)
    return json.dumps(scrub(loaded, words), **dump)


def mentions(text: str, words: Words) -> bool:
    """Whether the text holds any of the values (whole, or inside it when long enough)."""
    stripped = text.strip()
    return any(stripped == v or (len(v) >= MIN_INSIDE and v in text) for v in words.values)


