"""Amounts as the shop writes them: every sum the screens show or read goes through here.

One shop per till, so its currency and locale are set once for the whole UI (by AppContext
when the shop opens and whenever Settings > Shop changes them), and any widget can show or
read an amount without being handed the shop. The money itself is the core's
(warranty_desk.money): this module only remembers the shop, so screens, letters, paper and
files always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
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
    return shop_money().symbol()


def plain_amount(minor: int) -> str:
    """An amount as a person would type it, with no sign: 25.00 (2500 yen is 2500)."""
    return shop_money().plain(minor)


def typed_amount(text: str) -> int | None:
    """What a person typed in an amount field, in minor units; None when it is no amount."""
    from warranty_desk.money import MoneyError

    try:
        return shop_money().typed(text)
    except MoneyError:
        return None


def amount_decimals() -> int:
    """How many decimals the shop's currency has (a price box shows that many)."""
    return shop_money().decimals()


def to_box(minor: int) -> float:
    """An amount for a number box, in major units."""
    return float(shop_money().major(minor))


def from_box(value: float) -> int:
    """A number box's value back in minor units."""
    return shop_money().minor(Decimal(str(value)))
