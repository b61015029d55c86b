"""Normalising what people type and scanners send: serials, phones, emails, SKUs."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def serial(text: str) -> str:
    """Serials compare without case or surrounding space: scanners and people differ on both."""
    return _SPACE.sub("", text).upper()


def phone(text: str) -> str:
    """Digits only, keeping a leading + so international numbers stay distinct."""
    stripped = text.strip()
    digits = re.sub(r"\D", "", stripped)
    return ("+" + digits) if stripped.startswith("+") and digits else digits


def email(text: str) -> str:
    """Emails compare case-insensitively."""
    return text.strip().lower()


def sku(text: str) -> str:
    """SKUs compare without surrounding space."""
    return text.strip()
