"""A warranty's stored cover layers as the pure rules see them (activation, claims, decisions)."""

from __future__ import annotations

from warranty_desk.models import Warranty
from warranty_desk.rules.coverage import LayerKind, LayerSpan


def layer_spans(warranty: Warranty) -> list[LayerSpan]:
    """The pure rules' view of a warranty's stored layers."""
    return [LayerSpan(LayerKind(layer.kind), layer.start_on, layer.end_on)
            for layer in warranty.layers]
