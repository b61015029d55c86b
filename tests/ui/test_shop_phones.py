"""Phones as the shop's country writes them, its country looked up with the first phone shown."""

from __future__ import annotations

import pytest

from ui import phones


@pytest.fixture(autouse=True)
def _kept_shop(monkeypatch: pytest.MonkeyPatch) -> None:
    # The module remembers the shop for the whole UI: each test leaves it as it found it.
    for name in ("_locale", "_region", "_resolved"):
        monkeypatch.setattr(phones, name, getattr(phones, name))


def test_a_shop_s_own_numbers_read_the_national_way_and_others_with_their_country() -> None:
    phones.use_shop_region("en_GB")
    assert phones.phone("+447700900596") == "07700 900596"
    phones.use_shop_region("de_DE")  # Settings > Shop changed the locale
    assert phones.shop_region() == "DE"
    assert phones.phone("+447700900596").startswith("+44")


def test_a_bare_language_names_its_likely_country_and_no_shop_names_none() -> None:
    phones.use_shop_region("de")
    assert phones.shop_region() == "DE"
    phones.use_shop_region("xx_not_a_locale")
    assert phones.shop_region() is None
    assert phones.phone("") == ""
