"""Normalising what people type and scanners send: serials and SKUs (phones: contacts)."""

from __future__ import annotations


def serial(text: str) -> str:
    """Serials compare without case or any space: scanners and people differ on both."""
    # str.split() drops every Unicode space, as \s does, at a fraction of a regex's cost.
    return "".join(text.split()).upper()


def sku(text: str) -> str:
    """SKUs compare without surrounding space."""
    return text.strip()
