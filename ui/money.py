"""Amounts as the shop writes them: every sum the screens show goes through `money`.

One shop per till, so its currency and locale are set once for the whole UI (by AppContext
when the shop opens and whenever Settings > Shop changes them), and any widget can show an
amount without being handed the shop. The formatting itself is the core's
(warranty_desk.money, with babel), so screens, letters, paper and files always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warranty_desk.money import MoneyFormat


@dataclass(frozen=True, slots=True)
class _ShopMoney:
    currency: str = "EUR"  # the core's default shop, until a shop is opened
    locale: str = "en_GB"


_shop = _ShopMoney()


def use_shop_money(currency: str, locale: str) -> None:
    """Show every amount from now on in this currency, written as this locale writes it."""
    global _shop
    _shop = _ShopMoney(currency, locale)


def shop_money() -> MoneyFormat:
    """The shop's money format, for code that takes one (a letter's preview)."""
    # Loaded on the first amount shown: babel costs 70 ms, which the first scan need not pay.
    from warranty_desk.money import MoneyFormat

    return MoneyFormat(_shop.currency, _shop.locale)


def money(minor: int) -> str:
    """An amount in minor units with its currency, e.g. £49.00."""
    return shop_money().people(minor)


def currency_symbol() -> str:
    """The shop's currency sign, e.g. £ (for fields where an amount is typed)."""
    from babel import UnknownLocaleError
    from babel.numbers import get_currency_symbol

    try:
        return str(get_currency_symbol(_shop.currency, locale=_shop.locale))
    except (UnknownLocaleError, ValueError):
        return _shop.currency
