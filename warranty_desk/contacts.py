"""How customers are keyed by phone and email: E.164 numbers and checked addresses.

A customer's phone is stored as E.164 (+447700900596), so "07700 900596", "+44 7700 900596"
and "0044 7700 900596" typed in a British shop all find the same person. A number written
without its country code belongs to the shop's own country (the region of its locale), and
people read the shop's own numbers the national way again (phone_for_people).
Pure: the caller passes the region.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

# Longest address the customers table keeps.
EMAIL_LIMIT = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE
# Why a number was refused, in words: by the parser's error, then by the length check.
_PARSE_WHY = {
    NumberParseException.INVALID_COUNTRY_CODE: "its country code is not one that exists",
    NumberParseException.NOT_A_NUMBER: "it does not read as a number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "it has too few digits",
    NumberParseException.TOO_SHORT_NSN: "it has too few digits",
    NumberParseException.TOO_LONG: "it has too many digits",
}
_LENGTH_WHY = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "its country code is not one that exists",
    phonenumbers.ValidationResult.TOO_SHORT: "it has too few digits",
    # A number without its area code reaches nobody from elsewhere: too short to keep.
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "it has too few digits",
    phonenumbers.ValidationResult.TOO_LONG: "it has too many digits",
}


class ContactError(ValueError):
    """A phone or email that cannot be used; the message says why and how to write it."""


@lru_cache(maxsize=32)
def _examples(region: str | None) -> str:
    """How to write a number in this country, from the numbering plan's own example."""
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE) if region \
        else None
    if example is None:
        return "with its country code, like +44 7700 900596"
    national = phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
    full = phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)
    return f"with its area code, like {national}, or with the country code, like {full}"


def phone_key(text: str, region: str | None) -> str:
    """A typed or imported phone number as E.164; "" for a blank one.

    ContactError in plain words when the text cannot be a phone number: too short (a
    number like "12"), too long, letters, or an unknown country code.
    """
    raw = text.strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except NumberParseException as exc:
        why = _PARSE_WHY.get(exc.error_type, "it does not read as a number")
        if region is None and exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            why = "it has no country code, and the shop's locale names no country"
        raise ContactError(f"{raw!r} is not a phone number: {why}. "
                           f"Write it {_examples(region)}.") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != _POSSIBLE:
        why = _LENGTH_WHY.get(reason, "no phone number has that many digits")
        raise ContactError(f"{raw!r} is not a phone number: {why}. "
                           f"Write it {_examples(region)}.")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def phone_search_key(text: str, region: str | None) -> str | None:
    """The E.164 key a search for this text looks up, or None when it is no whole number."""
    try:
        return phone_key(text, region) or None
    except ContactError:
        return None


def phone_for_people(stored: str, region: str | None) -> str:
    """A stored phone as the shop's country writes it: 07700 900596 in a British shop, a
    number from elsewhere with its country code (+49 30 901820); other text as it is."""
    if not stored.startswith("+"):
        return stored  # written before phones were keyed, or not a number at all
    try:
        number = phonenumbers.parse(stored, None)
    except NumberParseException:
        return stored
    # By calling code, not region: a +44 number is dialled the British way in Jersey too, and
    # the demo's numbers (Ofcom's drama range) belong to no region at all.
    home = region is not None and number.country_code == phonenumbers.country_code_for_region(
        region)
    return phonenumbers.format_number(
        number, PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL)


def email_key(text: str) -> str:
    """An email address as stored (lower case); "" for a blank one; ContactError otherwise."""
    address = text.strip().lower()
    if not address:
        return ""
    if len(address) > EMAIL_LIMIT or not _EMAIL.match(address) or ".." in address:
        raise ContactError(f"{text.strip()!r} is not an email address. Write it like "
                           "name@example.com, or leave it empty.")
    return address


# Numbers the numbering plan says take no texts. A number it cannot place (a new range,
# Ofcom's drama range) is left to the gateway to judge.
_NO_TEXTS = {
    PhoneNumberType.FIXED_LINE: "a landline",
    PhoneNumberType.TOLL_FREE: "a freephone number",
    PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    PhoneNumberType.SHARED_COST: "a shared-cost number",
    PhoneNumberType.UAN: "a company's switchboard number",
    PhoneNumberType.VOICEMAIL: "a voicemail number",
}


def texting_problem(stored: str) -> str:
    """Why a stored phone cannot take text messages, in plain words; "" when it can."""
    if not stored:
        return "there is no phone number on file"
    try:
        number = phonenumbers.parse(stored, None)
    except NumberParseException:
        return f"{stored} is not a whole phone number with its country code"
    if not phonenumbers.is_possible_number(number):
        return f"{stored} is not a whole phone number"
    kind = _NO_TEXTS.get(phonenumbers.number_type(number))
    return f"{stored} is {kind}, which cannot take text messages" if kind else ""
