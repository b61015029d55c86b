"""What cover a product comes with, in the words both the till's counter and head office's
product page say: one piece of wording, so what the web page promised is what the counter honours.

Pure: the callers read the policy and plans from their own stores (the till's SQLite, head
office's projections) and pass the shop's money writer (warranty_desk.money.for_people with the
shop's currency and locale).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from warranty_desk.rules.extension import ExtensionTerms, MoneyText, product_refusal


@dataclass(frozen=True, slots=True)
class PolicyCover:
    """The parts of a warranty policy a buyer reads before buying."""

    manufacturer_months: int
    shop_months: int
    terms: str = ""
    exclusions: tuple[str, ...] = ()
    serial_required: bool = True


@dataclass(frozen=True, slots=True)
class PlanForSale:
    """An extension plan on sale, by its code and name, with the terms its rule reads."""

    code: str
    name: str
    terms: ExtensionTerms


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One plan a product may take, with its price written for people and in a sentence."""

    code: str
    name: str
    months: int
    price_minor: int
    price: str
    words: str


@dataclass(frozen=True, slots=True)
class ProductCover:
    """What a product comes with: the cover in one sentence, the plans it may take, what is
    not covered and the policy's own terms text."""

    cover: str
    manufacturer_months: int
    shop_months: int
    plans: tuple[PlanLine, ...]
    exclusions: tuple[str, ...]
    terms: str
    serial_note: str


def gtin_of(typed: str) -> str | None:
    """The 14-digit GTIN a typed barcode number names (8, 12, 13 or 14 digits, as the
    catalogue takes them), or None: how the counter and the product page both read a key."""
    return typed.zfill(14) if typed.isdigit() and len(typed) in (8, 12, 13, 14) else None


def months_text(months: int) -> str:
    """A number of months in words: 1 month, 12 months."""
    return f"{months} month{'' if months == 1 else 's'}"


def cover_sentence(manufacturer_months: int, shop_months: int) -> str:
    """The cover a new unit comes with, in one sentence."""
    if manufacturer_months > 0 and shop_months > 0:
        return (f"{months_text(manufacturer_months)} manufacturer's warranty, "
                f"then {months_text(shop_months)} from the shop.")
    if manufacturer_months > 0:
        return f"{months_text(manufacturer_months)} manufacturer's warranty."
    if shop_months > 0:
        return f"{months_text(shop_months)} warranty from the shop."
    return "No warranty cover."


def _plan_words(plan: PlanForSale, price: str) -> str:
    days = plan.terms.max_days_since_sale
    window = ("on the day of sale" if days == 0
              else f"within {days} day{'' if days == 1 else 's'} of the sale")
    return (f"{plan.name}: {months_text(plan.terms.months)} more cover for {price}, "
            f"bought {window}.")


def plans_for(plans: Iterable[PlanForSale], *, category: str, price_minor: int | None,
              money: MoneyText) -> tuple[PlanLine, ...]:
    """The plans a product of this category and list price may take, cheapest first, by the
    same rule the counter sells by (warranty_desk.rules.extension). A product whose price is
    not known may take only the plans that ask no price band."""
    lines = []
    for plan in plans:
        terms = plan.terms
        if price_minor is None and (terms.min_price_minor > 0 or terms.max_price_minor is not None):
            continue
        if product_refusal(terms, category=category, unit_price_minor=price_minor or 0):
            continue
        price = money(terms.price_minor)
        lines.append(PlanLine(plan.code, plan.name, terms.months, terms.price_minor, price,
                              _plan_words(plan, price)))
    return tuple(sorted(lines, key=lambda line: (line.price_minor, line.name)))


def product_cover(policy: PolicyCover, plans: Iterable[PlanForSale], *, category: str,
                  price_minor: int | None, money: MoneyText) -> ProductCover:
    """Everything a buyer is told about a product's cover, in the counter's own words."""
    serial_note = ("Keep the serial number: the shop records it at the sale and a claim needs "
                   "it." if policy.serial_required else "")
    return ProductCover(
        cover=cover_sentence(policy.manufacturer_months, policy.shop_months),
        manufacturer_months=policy.manufacturer_months, shop_months=policy.shop_months,
        plans=plans_for(plans, category=category, price_minor=price_minor, money=money),
        exclusions=tuple(e.strip() for e in policy.exclusions if e.strip()),
        terms=policy.terms.strip(), serial_note=serial_note)
