"""Warranty cover layers (manufacturer, shop, extension) and what covers a unit on a given day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum
from operator import attrgetter
from typing import NamedTuple

from warranty_desk.rules.dates import cover_end

_ONE_DAY = timedelta(days=1)


class LayerKind(StrEnum):
    """Who stands behind a stretch of cover."""

    MANUFACTURER = "manufacturer"
    SHOP = "shop"
    EXTENSION = "extension"


# When layers overlap the manufacturer pays first, so its layer is the one reported.
_PRECEDENCE: dict[LayerKind, int] = {
    LayerKind.MANUFACTURER: 0,
    LayerKind.SHOP: 1,
    LayerKind.EXTENSION: 2,
}


class _Span(NamedTuple):
    kind: LayerKind
    start: date
    end: date


class LayerSpan(_Span):
    """One layer of cover; both ``start`` and ``end`` are covered days.

    A named tuple checked as it is made, not a frozen dataclass: a phone lookup makes one for
    each layer of up to fifty units (about a hundred), and the dataclass, each field set through
    object.__setattr__ and then checked, took 1.9 us a span where this takes 0.5.
    """

    __slots__ = ()

    def __new__(cls, kind: LayerKind, start: date, end: date) -> LayerSpan:
        if start > end:
            raise ValueError(f"{kind} layer ends ({end}) before it starts ({start})")
        return tuple.__new__(cls, (kind, start, end))


class CoverStatus(StrEnum):
    """Where a unit stands against its cover on one day."""

    IN_COVER = "in_cover"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    VOID = "void"


class Coverage(NamedTuple):
    """The cover of a unit on one day.

    ``days_left`` counts today and runs across contiguous layers; ``ends_on`` is the last day of
    the run of cover that holds, will next hold, or last held the day; ``expired_since`` is the
    first uncovered day after an expiry.

    A named tuple, not a frozen dataclass: a phone lookup works one out for each of up to fifty
    units, and a tuple is made in a third of the time.
    """

    status: CoverStatus
    layer: LayerKind | None
    days_left: int | None
    expired_since: date | None
    ends_on: date | None
    # Not started because the unit is not delivered yet: its cover has no dates until then.
    awaits_delivery: bool = False


def plan_layers(
    sale_date: date, manufacturer_months: int, shop_months: int = 0, extension_months: int = 0
) -> tuple[LayerSpan, ...]:
    """Lay the layers bought at the sale end to end, starting on the sale date."""
    terms = (
        (LayerKind.MANUFACTURER, manufacturer_months),
        (LayerKind.SHOP, shop_months),
        (LayerKind.EXTENSION, extension_months),
    )
    for kind, months in terms:
        if months < 0:
            raise ValueError(f"{kind} months cannot be negative, got {months}")
    if all(months == 0 for _, months in terms):
        raise ValueError("a warranty needs at least one layer with a term of one month or more")
    layers: list[LayerSpan] = []
    start = sale_date
    for kind, months in terms:
        if months == 0:
            continue
        layer = LayerSpan(kind, start, cover_end(start, months))
        layers.append(layer)
        start = layer.end + _ONE_DAY
    return tuple(layers)


def term_months(layer: LayerSpan) -> int:
    """The whole months a layer laid by ``plan_layers`` or ``extension_layer`` was given."""
    months = (layer.end.year - layer.start.year) * 12 + layer.end.month - layer.start.month
    # The end is the day before the same date ``months`` later, clamped at a short month:
    # the count from the calendar is right or one short; the rule that laid it decides.
    for guess in (months, months + 1):
        if guess >= 1 and cover_end(layer.start, guess) == layer.end:
            return guess
    raise ValueError(f"the {layer.kind} layer {layer.start}..{layer.end} is not whole months")


def layers_from_delivery(planned: Sequence[LayerSpan], delivered_on: date
                         ) -> tuple[LayerSpan, ...]:
    """The layers of a unit delivered on ``delivered_on``, with the terms it was sold with.

    Laid again by ``plan_layers`` from the delivery day, never by moving each date by the
    days between order and delivery: a month from 31 January is not a month from 3 February.
    """
    months = {kind: 0 for kind in LayerKind}
    for layer in planned:
        months[layer.kind] += term_months(layer)
    return plan_layers(delivered_on, months[LayerKind.MANUFACTURER], months[LayerKind.SHOP],
                       months[LayerKind.EXTENSION])


def extension_layer(existing: Sequence[LayerSpan], months: int) -> LayerSpan:
    """Return an extension bought later, starting the day after the existing cover ends."""
    if not existing:
        raise ValueError("an extension needs an existing layer to follow")
    start = max(layer.end for layer in existing) + _ONE_DAY
    return LayerSpan(LayerKind.EXTENSION, start, cover_end(start, months))


def _run_end(layers: Sequence[LayerSpan], end: date) -> date:
    """Return how far cover runs on from ``end`` through layers that touch or overlap it."""
    for layer in sorted(layers, key=_START) if len(layers) > 1 else layers:
        if layer.start > end + _ONE_DAY:
            break
        if layer.end > end:
            end = layer.end
    return end


_START = attrgetter("start")
_VOID_COVER = Coverage(CoverStatus.VOID, None, None, None, None)
_AWAITING_COVER = Coverage(CoverStatus.NOT_STARTED, None, None, None, None, awaits_delivery=True)


def coverage_on(layers: Sequence[LayerSpan], day: date, *, void: bool = False,
                awaits_delivery: bool = False) -> Coverage:
    """Return which layer covers ``day`` and how much cover is left.

    A unit sold online under a policy whose cover starts on delivery keeps the layers planned
    from its order date only as the length of its terms: until it is delivered no day is
    covered and no end is known, so those dates are never reported.

    Written for the counter's phone lookup, which asks it for each of up to fifty units: no
    key functions or generators where a unit's one or two layers are compared directly.
    """
    if not layers:
        raise ValueError("coverage needs at least one layer")
    if void:
        return _VOID_COVER
    if awaits_delivery:
        return _AWAITING_COVER
    covering = [layer for layer in layers if layer.start <= day <= layer.end]
    if covering:
        top = covering[0]
        for layer in covering[1:]:
            if _PRECEDENCE[layer.kind] < _PRECEDENCE[top.kind]:
                top = layer
        ends_on = _run_end(layers, max([layer.end for layer in covering]))
        days_left = (ends_on - day).days + 1
        return Coverage(CoverStatus.IN_COVER, top.kind, days_left, None, ends_on)
    earlier = [layer.end for layer in layers if layer.end < day]
    if not earlier:
        first_start = min([layer.start for layer in layers])
        first_end = max([layer.end for layer in layers if layer.start == first_start])
        return Coverage(CoverStatus.NOT_STARTED, None, None, None, _run_end(layers, first_end))
    # A gap between layers counts as expired: the customer has no cover that day, and a manager
    # can still grant goodwill, which a not-yet-started warranty does not allow.
    ended_on = max(earlier)
    return Coverage(CoverStatus.EXPIRED, None, None, ended_on + _ONE_DAY, ended_on)
