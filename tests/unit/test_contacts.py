"""Phone and email keys: E.164 in the shop's country, and addresses that can receive mail."""

from __future__ import annotations

import pytest

from warranty_desk.contacts import ContactError, email_key, phone_for_people, phone_key
from warranty_desk.locales import region_of


@pytest.mark.parametrize(("locale", "region"), [
    ("en_GB", "GB"), ("de-AT", "AT"), ("de", "DE"), ("not a locale", None)])
def test_a_shops_locale_names_its_country(locale: str, region: str | None) -> None:
    assert region_of(locale) == region


@pytest.mark.parametrize(("region", "typed", "key"), [
    ("GB", "07700 900596", "+447700900596"),
    ("GB", "+353 1 555 0001", "+35315550001"),
    ("DE", "030 1234567", "+49301234567"),
    (None, "+44 7700 900596", "+447700900596"),
    ("GB", "  ", ""),
])
def test_phone_keys_are_e164_in_the_shops_country(region: str | None, typed: str,
                                                  key: str) -> None:
    assert phone_key(typed, region) == key


@pytest.mark.parametrize(("region", "stored", "shown"), [
    ("GB", "+447700900596", "07700 900596"), ("GB", "+441174960321", "0117 496 0321"),
    ("GB", "+49301234567", "+49 30 1234567"), (None, "+447700900596", "+44 7700 900596"),
    ("GB", "07700 900596", "07700 900596"), ("GB", "+1", "+1"), ("GB", "", ""),
])
def test_people_read_a_stored_phone_the_way_the_shops_country_writes_it(
        region: str | None, stored: str, shown: str) -> None:
    assert phone_for_people(stored, region) == shown


@pytest.mark.parametrize(("typed", "why"), [
    ("12", "too few digits"), ("07700 9005961234", "too many digits"),
    ("+999 1234567", "country code"), ("call me", "does not read as a number"),
])
def test_what_cannot_be_a_phone_number_says_why(typed: str, why: str) -> None:
    with pytest.raises(ContactError) as refused:
        phone_key(typed, "GB")
    assert why in str(refused.value)


def test_a_national_number_in_a_shop_without_a_country_asks_for_the_country_code() -> None:
    with pytest.raises(ContactError) as refused:
        phone_key("07700 900596", None)
    assert "no country code" in str(refused.value)


@pytest.mark.parametrize("bad", ["grace", "grace@", "@example.org", "grace@example",
                                 "grace okafor@example.org", "grace@@example.org"])
def test_what_is_no_email_address_is_refused(bad: str) -> None:
    with pytest.raises(ContactError):
        email_key(bad)
    assert email_key(" Grace@Example.ORG ") == "grace@example.org"
