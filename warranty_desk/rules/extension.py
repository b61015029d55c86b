"""Terms of an extended-warranty offer and whether a sold unit may still take it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class ExtensionTerms:
    """An extension offer; an empty ``categories`` set means any category qualifies."""

    categories: frozenset[str]
    min_price_minor: int
    max_price_minor: int | None
    max_days_since_sale: int
    months: int
    price_minor: int

    def __post_init__(self) -> None:
        if self.months < 1:
            raise ValueError(f"an extension needs at least one month, got {self.months}")
        if self.price_minor < 0 or self.min_price_minor < 0:
            raise ValueError("extension prices cannot be negative")
        if self.max_price_minor is not None and self.max_price_minor < self.min_price_minor:
            raise ValueError("the highest qualifying price is below the lowest")
        if self.max_days_since_sale < 0:
            raise ValueError("the offer window cannot be negative")


@dataclass(frozen=True, slots=True)
class ExtensionEligibility:
    """Whether the offer applies, with the reason in words for shop staff."""

    eligible: bool
    reason: str


# Writes an amount in minor units for a person (warranty_desk.money.MoneyFormat.people).
MoneyText = Callable[[int], str]


def _price_band(terms: ExtensionTerms, money: MoneyText | None) -> str:
    if money is None:
        return "Only for items priced within this plan's price band."
    low = money(terms.min_price_minor)
    if terms.max_price_minor is None:
        return f"Only for items priced from {low}."
    high = money(terms.max_price_minor)
    if terms.min_price_minor == 0:
        return f"Only for items priced up to {high}."
    return f"Only for items priced from {low} to {high}."


def product_refusal(terms: ExtensionTerms, *, category: str, unit_price_minor: int,
                    money: MoneyText | None = None) -> str | None:
    """Why a product of this category and price may never take the plan, or None when it may
    (the part of the rule that needs no sale: what a product page offers)."""
    allowed = {name.casefold() for name in terms.categories}
    if allowed and category.casefold() not in allowed:
        return f"Only for {', '.join(sorted(terms.categories))}."
    too_cheap = unit_price_minor < terms.min_price_minor
    too_dear = terms.max_price_minor is not None and unit_price_minor > terms.max_price_minor
    return _price_band(terms, money) if too_cheap or too_dear else None


def last_offer_day(terms: ExtensionTerms, sale_date: date) -> date:
    """The last day a unit sold on ``sale_date`` may still take the plan (if it qualifies)."""
    return sale_date + timedelta(days=terms.max_days_since_sale)


def first_open_sale_day(terms: ExtensionTerms, today: date) -> date:
    """The earliest sale day whose units may still take the plan ``today`` (if they qualify):
    a unit sold on or after it is within the window (``today <= last_offer_day``).

    Worked out once per plan for a list of units, so each unit is one comparison.
    """
    return today - timedelta(days=terms.max_days_since_sale)


def extension_eligibility(
    terms: ExtensionTerms,
    *,
    category: str,
    unit_price_minor: int,
    sale_date: date,
    today: date,
    already_extended: bool,
    void: bool,
    money: MoneyText | None = None,
) -> ExtensionEligibility:
    """Return whether a unit may take the extension today, and why.

    `money` writes the price band into a refusal in the shop's currency; callers that keep
    only eligible offers (the lookup, the sale screen) may leave it out.
    """
    if void:
        return ExtensionEligibility(False, "The warranty is void.")
    if already_extended:
        return ExtensionEligibility(False, "This unit already has an extension.")
    refusal = product_refusal(terms, category=category, unit_price_minor=unit_price_minor,
                              money=money)
    if refusal is not None:
        return ExtensionEligibility(False, refusal)
    last_day = last_offer_day(terms, sale_date)
    if today > last_day:
        days = terms.max_days_since_sale
        unit = "day" if days == 1 else "days"
        return ExtensionEligibility(
            False, f"The offer ended {days} {unit} after the sale, on {last_day.isoformat()}."
        )
    return ExtensionEligibility(True, f"Eligible until {last_day.isoformat()}.")
