"""Normalising what people type and scanners send: serials, phones, emails, SKUs."""

from __future__ import annotations

import re

_NOT_DIGIT = re.compile(r"\D")


def serial(text: str) -> str:
    """Serials compare without case or any space: scanners and people differ on both."""
    # str.split() drops every Unicode space, as \s does, at a fraction of a regex's cost.
    return "".join(text.split()).upper()


def phone(text: str) -> str:
    """Digits only, keeping a leading + so international numbers stay distinct."""
    stripped = text.strip()
    digits = _NOT_DIGIT.sub("", stripped)
    return ("+" + digits) if stripped.startswith("+") and digits else digits


def email(text: str) -> str:
    """Emails compare case-insensitively."""
    return text.strip().lower()


def sku(text: str) -> str:
    """SKUs compare without surrounding space."""
    return text.strip()
