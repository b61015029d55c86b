"""A warranty's stored cover layers as the pure rules see them (activation, claims, decisions)."""

from __future__ import annotations

from datetime import date

from warranty_desk.models import Warranty, WarrantyStatus
from warranty_desk.rules.coverage import Coverage, LayerKind, LayerSpan, coverage_on


def layer_spans(warranty: Warranty) -> list[LayerSpan]:
    """The pure rules' view of a warranty's stored layers."""
    return [LayerSpan(LayerKind(layer.kind), layer.start_on, layer.end_on)
            for layer in warranty.layers]


def coverage_of(warranty: Warranty, day: date) -> Coverage:
    """A stored warranty's cover on ``day``: void, or waiting for its delivery, as stored."""
    return coverage_on(layer_spans(warranty), day, void=warranty.status is WarrantyStatus.VOID,
                       awaits_delivery=warranty.awaits_delivery)
