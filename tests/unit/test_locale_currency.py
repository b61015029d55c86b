"""The currency a locale's country pays in, on a given day (the setup suggests it)."""

from __future__ import annotations

from datetime import date

import pytest

from warranty_desk.locales import currency_of

DAY = date(2026, 11, 22)


@pytest.mark.parametrize(("locale", "currency"), [
    ("en_GB", "GBP"), ("en-GB", "GBP"), ("de_DE", "EUR"), ("de_AT", "EUR"), ("en_US", "USD"),
    ("ja_JP", "JPY"), ("pl_PL", "PLN"), ("de", "EUR"), ("sv", "SEK")])
def test_each_locale_suggests_its_countrys_currency(locale: str, currency: str) -> None:
    assert currency_of(locale, DAY) == currency


def test_the_day_decides_when_a_country_changed_currency() -> None:
    assert currency_of("hr_HR", date(2022, 6, 1)) == "HRK"
    assert currency_of("hr_HR", date(2023, 6, 1)) == "EUR"


@pytest.mark.parametrize("locale", ["", "xx", "not a locale", "<b>en</b>"])
def test_a_locale_that_names_no_country_suggests_nothing(locale: str) -> None:
    assert currency_of(locale, DAY) is None
