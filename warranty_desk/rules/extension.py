"""Terms of an extended-warranty offer and whether a sold unit may still take it."""

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


def format_minor(amount_minor: int) -> str:
    """Return an amount in minor units as major units with two decimals, without a symbol."""
    # Integer arithmetic keeps cents exact where float division could round.
    sign = "-" if amount_minor < 0 else ""
    whole, cents = divmod(abs(amount_minor), 100)
    return f"{sign}{whole}.{cents:02d}"


def _price_band(terms: ExtensionTerms) -> str:
    low = format_minor(terms.min_price_minor)
    if terms.max_price_minor is None:
        return f"Only for items priced from {low}."
    high = format_minor(terms.max_price_minor)
    if terms.min_price_minor == 0:
        return f"Only for items priced up to {high}."
    return f"Only for items priced from {low} to {high}."


def extension_eligibility(
    terms: ExtensionTerms,
    *,
    category: str,
    unit_price_minor: int,
    sale_date: date,
    today: date,
    already_extended: bool,
    void: bool,
) -> ExtensionEligibility:
    """Return whether a unit may take the extension today, and why."""
    if void:
        return ExtensionEligibility(False, "The warranty is void.")
    if already_extended:
        return ExtensionEligibility(False, "This unit already has an extension.")
    allowed = {name.casefold() for name in terms.categories}
    if allowed and category.casefold() not in allowed:
        return ExtensionEligibility(False, f"Only for {', '.join(sorted(terms.categories))}.")
    too_cheap = unit_price_minor < terms.min_price_minor
    too_dear = terms.max_price_minor is not None and unit_price_minor > terms.max_price_minor
    if too_cheap or too_dear:
        return ExtensionEligibility(False, _price_band(terms))
    last_day = sale_date + timedelta(days=terms.max_days_since_sale)
    if today > last_day:
        days = terms.max_days_since_sale
        unit = "day" if days == 1 else "days"
        return ExtensionEligibility(
            False, f"The offer ended {days} {unit} after the sale, on {last_day.isoformat()}."
        )
    return ExtensionEligibility(True, f"Eligible until {last_day.isoformat()}.")
