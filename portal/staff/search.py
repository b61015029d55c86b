"""Finding a warranty, serial, claim or customer across every branch, each by an index.

Codes, numbers and serials are matched whole (btree indexes), emails exactly (an index on
UPPER(email)), names and phone digits by part (trigram GIN indexes): no search reads a table
from end to end, so it stays fast with millions of rows at head office.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from portal.projections.models import Claim, Customer, Warranty

LIMIT = 50
# Fewer characters than a trigram match on nearly everything.
MIN_PART = 3
MIN_PHONE_DIGITS = 6
MAX_QUERY = 200


@dataclass(frozen=True)
class Results:
    """What a search found, each list capped at LIMIT."""

    query: str
    warranties: list[Warranty] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    note: str = ""

    @property
    def empty(self) -> bool:
        """Nothing found."""
        return not (self.warranties or self.claims or self.customers)

    @property
    def capped(self) -> bool:
        """Some list was cut at LIMIT."""
        return LIMIT in (len(self.warranties), len(self.claims), len(self.customers))


def whole(text: str) -> str:
    """A code, number or serial as the tills keep them: no spaces, upper case."""
    return "".join(text.split()).upper()


@dataclass(frozen=True)
class Queries:
    """The three queries a search runs (not yet run)."""

    text: str
    warranties: QuerySet[Warranty]
    claims: QuerySet[Claim]
    customers: QuerySet[Customer]


def queries(query: str) -> Queries | None:
    """The queries for a search, each answerable from an index; None for an empty search."""
    text = " ".join(query.split())[:MAX_QUERY]
    if not text:
        return None
    key = whole(text)
    digits = "".join(c for c in text if c.isdigit())
    who = Q(reference=key)
    if "@" in text:
        who |= Q(email__iexact=text)
    if len(text) >= MIN_PART and not text.isdigit():
        who |= Q(name__icontains=text)
    # The last nine digits: a number typed nationally ("020 …") finds one kept as "+44 20 …".
    if len(digits) >= MIN_PHONE_DIGITS and len(digits) * 2 >= len(key):
        who |= Q(phone_digits__contains=digits[-9:])
    return Queries(
        text,
        Warranty.objects.select_related("branch", "product", "customer")
        .filter(Q(code=key) | Q(serial=key)).order_by("branch__code", "code")[:LIMIT],
        Claim.objects.select_related("branch", "customer", "warranty__product")
        .filter(Q(number=key) | Q(serial=key)).order_by("-opened_at", "number")[:LIMIT],
        # A merged duplicate only by its own reference (its page leads to the kept one).
        Customer.objects.select_related("branch").filter(who)
        .filter(Q(merged_into="") | Q(reference=key))
        .order_by("name", "branch__code")[:LIMIT])


def find(query: str) -> Results:
    """Everything matching the query; three queries whatever it is."""
    planned = queries(query)
    if planned is None:
        return Results("")
    note = ("" if len(planned.text) >= MIN_PART else
            f"Type at least {MIN_PART} characters to search names.")
    return Results(planned.text, list(planned.warranties), list(planned.claims),
                   list(planned.customers), note)
