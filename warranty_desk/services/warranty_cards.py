"""Warranty cards: what head office and the customer portal show for one warranty, and the
template a bulk plan fills in per unit instead of encoding every card whole."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from warranty_desk.rules.coverage import LayerSpan
from warranty_desk.services.outbox import encode


@dataclass(frozen=True, slots=True)
class CardCover:
    """A warranty card's cover in the card's own words (ISO dates); units of a line share one."""

    start: str
    end: str
    layers: tuple[dict[str, str], ...]
    # The cover starts on delivery: the dates are the terms planned from the order date.
    awaits_delivery: bool = False


def card_cover(layers: Sequence[LayerSpan], *, awaits_delivery: bool = False) -> CardCover:
    """The cover part of a warranty card."""
    return CardCover(layers[0].start.isoformat(), max(s.end for s in layers).isoformat(),
                     tuple({"kind": s.kind.value, "start": s.start.isoformat(),
                            "end": s.end.isoformat()} for s in layers), awaits_delivery)


# The sale source of an order from the web shop (the inbox's online_order items).
ONLINE_SALE = "online"


def warranty_card(
    *, code: str, serial: str | None, product: str, sku: str, customer_ref: str | None,
    invoice_number: str, cover: CardCover, category: str, price: int | str,
    status: str = "active", policy: str | None = None, policy_ref: str | None = None,
    channel: str | None = None,
) -> dict[str, Any]:
    """What head office and the customer portal show for one warranty.

    The category and the unit's price are what the extension plans' eligibility rule reads
    (warranty_desk.rules.extension): the portal offers plans by the same rule as the counter.
    The policy (its name, and its id as catalogue.policy_updated names it) is how the portal
    finds the terms to show and to judge a claim by. The channel ("online") lets the portal
    offer a unit bought online to be returned by post.
    """
    card: dict[str, Any] = {
        "code": code, "serial": serial, "product": product, "sku": sku,
        "category": category, "price_minor": price,
        "customer": customer_ref, "invoice": invoice_number, "status": status,
        "start": cover.start, "end": cover.end, "layers": list(cover.layers),
    }
    if policy_ref is not None:
        card["policy"], card["policy_ref"] = policy, policy_ref
    if cover.awaits_delivery:
        # Optional, as older tills never send it: without it the cover runs from "start".
        card["cover_from"] = "delivery"
    if channel is not None:  # where it was sold, said only for an online sale (a return by post)
        card["channel"] = channel
    return card


# Stand-ins for a card's words other than its cover. A card is JSON-encoded once per cover
# with these in place, then each unit fills in its own words, each JSON-encoded: encoding a
# whole card per unit was a tenth of an import.
_CARD_WORDS = ("code", "serial", "product", "sku", "category", "price", "customer", "invoice",
               "policy", "policy_ref")


def card_template(cover: CardCover) -> str | None:
    """The card of a cover as a str.format template of `_CARD_WORDS`; None if the cover's
    own words would be mistaken for a stand-in."""
    marks = {word: f"\x00{word}\x00" for word in _CARD_WORDS}
    text = encode(warranty_card(
        code=marks["code"], serial=marks["serial"], product=marks["product"], sku=marks["sku"],
        category=marks["category"], price=marks["price"], customer_ref=marks["customer"],
        invoice_number=marks["invoice"], cover=cover, policy=marks["policy"],
        policy_ref=marks["policy_ref"]))
    quoted = {word: encode(mark) for word, mark in marks.items()}
    # A quoted stand-in can only match a whole value, and a cover holds dates and layer kinds;
    # should one ever match, that cover's cards are encoded whole instead.
    if any(text.count(q) != 1 for q in quoted.values()):
        return None
    text = text.replace("{", "{{").replace("}", "}}")
    for word, q in quoted.items():
        text = text.replace(q, "{" + word + "}")
    return text


def json_text(value: str | None) -> str:
    """One card value as the card's encoder writes it."""
    return "null" if value is None else encode(value)

