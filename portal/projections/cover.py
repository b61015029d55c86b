"""Where a projected warranty stands on a day, by the till's own cover rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.projections.models import Warranty
from warranty_desk.rules.coverage import Coverage, CoverStatus, LayerKind, LayerSpan, coverage_on

_KINDS = {k.value for k in LayerKind}


@dataclass(frozen=True, slots=True)
class Standing:
    """A warranty's status in one word (in_cover, not_started, expired, void, replaced,
    unknown) and the coverage behind it when its layers are known.
    """

    status: str
    coverage: Coverage | None


def spans(warranty: Warranty) -> list[LayerSpan]:
    """The warranty's layers as the rules take them (prefetch `layers` to read them once)."""
    found = [LayerSpan(LayerKind(layer.kind), layer.start_on, layer.end_on)
             for layer in warranty.layers.all() if layer.kind in _KINDS]
    if not found and warranty.start_on and warranty.end_on:
        found = [LayerSpan(LayerKind.SHOP, warranty.start_on, warranty.end_on)]
    return found


def standing(warranty: Warranty, day: date) -> Standing:
    """The warranty's status on `day`."""
    if warranty.status == "replaced":
        return Standing("replaced", None)
    layers = spans(warranty)
    if warranty.status == "void":
        return Standing("void", None)
    if not layers:
        return Standing("unknown", None)
    # Before delivery the layers are only the terms laid from the order date (not cover).
    coverage = coverage_on(layers, day, awaits_delivery=warranty.awaits_delivery)
    return Standing(str(coverage.status if coverage.status != CoverStatus.VOID else "void"),
                    coverage)
