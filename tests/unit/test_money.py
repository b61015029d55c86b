"""Money leaves the core in major units: for people in the shop's currency, for files plain."""

from __future__ import annotations

from decimal import Decimal

import pytest

from warranty_desk.money import (
    MoneyError,
    MoneyFormat,
    decimals,
    for_files,
    for_people,
    parse_amount,
    parse_typed,
    symbol,
    to_major,
)


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


@pytest.mark.parametrize(("written", "currency", "minor"), [
    ("1299.00", "EUR", 129_900), ("1299.5", "EUR", 129_950), ("799", "JPY", 799),
    ("799.00", "JPY", 799), ("12.345", "KWD", 12_345), ("$1,299.00", "USD", 129_900),
])
def test_a_file_amount_is_read_in_the_currencys_own_minor_units(
        written: str, currency: str, minor: int) -> None:
    assert parse_amount(written, currency, symbols=True) == minor


def test_more_decimals_than_the_currency_has_are_refused() -> None:
    with pytest.raises(MoneyError, match="more than 2 decimals"):
        parse_amount("12.345", "EUR")
    with pytest.raises(MoneyError, match="JPY amounts are whole numbers"):
        parse_amount("799.5", "JPY")


@pytest.mark.parametrize(("typed", "currency", "minor"), [
    ("25", "GBP", 2500), ("25.5", "GBP", 2550), ("25,50", "GBP", 2550), ("£25.00", "GBP", 2500),
    (" 799 ", "JPY", 799), ("1,5", "KWD", 1500),
])
def test_an_amount_a_person_types_is_read_in_the_currencys_own_minor_units(
        typed: str, currency: str, minor: int) -> None:
    assert parse_typed(typed, currency) == minor
    assert MoneyFormat(currency, "en_GB").typed(typed) == minor


@pytest.mark.parametrize(("typed", "says"), [
    ("7.99", "JPY amounts are whole numbers"), ("-5", "below zero"), ("abc", "not an amount"),
    ("", "empty"),
])
def test_a_typed_amount_that_is_none_says_why(typed: str, says: str) -> None:
    with pytest.raises(MoneyError, match=says):
        parse_typed(typed, "JPY")


def test_a_currency_sign_is_the_locales_and_the_code_when_unknown() -> None:
    assert (symbol("gbp", "en_GB"), symbol("EUR", "en_GB"), symbol("XQQ", "en_GB")) == (
        "£", "€", "XQQ")
    shop = MoneyFormat("JPY", "en_GB")
    assert (shop.decimals(), shop.minor(Decimal("799")), MoneyFormat("EUR", "en_GB").minor(
        Decimal("12.345"))) == (0, 799, 1234)
