"""Money leaves the core in major units: for people in the shop's currency, for files plain."""

from __future__ import annotations

from decimal import Decimal

import pytest

from warranty_desk.money import MoneyFormat, decimals, for_files, for_people, to_major


@pytest.mark.parametrize(("minor", "currency", "shown"), [
    (0, "EUR", "0.00"), (5, "EUR", "0.05"), (100, "EUR", "1.00"), (79900, "EUR", "799.00"),
    (123456, "GBP", "1234.56"), (-150, "EUR", "-1.50"), (799, "JPY", "799"),
    (1234567, "KWD", "1234.567"),
])
def test_files_get_a_plain_decimal_with_the_currencys_own_decimals(
        minor: int, currency: str, shown: str) -> None:
    assert for_files(minor, currency) == shown


@pytest.mark.parametrize(("minor", "currency", "locale", "shown"), [
    (79900, "EUR", "en_GB", "€799.00"),
    (129900, "EUR", "en_GB", "€1,299.00"),
    (129900, "EUR", "de_DE", "1.299,00\xa0€"),
    (-1250, "GBP", "en_GB", "-£12.50"),
    (799, "JPY", "en_GB", "JP¥799"),
    (79900, "EUR", "not-a-locale", "€799.00"),
])
def test_people_get_the_currency_as_their_locale_writes_it(
        minor: int, currency: str, locale: str, shown: str) -> None:
    assert for_people(minor, currency, locale) == shown


def test_major_units_are_exact_and_keep_their_decimals() -> None:
    assert to_major(79900, "EUR") == Decimal("799.00")
    assert str(to_major(79900, "EUR")) == "799.00"
    assert str(to_major(10**15 + 1, "EUR")) == "10000000000000.01"
    assert decimals("jpy") == 0


def test_a_shop_format_carries_its_currency_and_locale() -> None:
    shop = MoneyFormat("EUR", "en_GB")
    assert (shop.people(79900), shop.plain(79900), shop.major(79900)) == (
        "€799.00", "799.00", Decimal("799.00"))
