"""Saving what the sale screen gathered (no Qt: runs off the GUI thread)."""

from __future__ import annotations

from collections.abc import Sequence

from warranty_desk.permissions import Actor
from warranty_desk.services import activation, registration
from warranty_desk.services.activation import SaleInput, SaleResult
from warranty_desk.services.registration import SaleCapture
from warranty_desk.storage.database import Database


def record_declines(db: Database, actor: Actor,
                    declines: Sequence[tuple[Sequence[str], Sequence[str]]]) -> None:
    """Record each declined plan on each unit, so nobody asks the customer twice."""
    for codes, plans in declines:
        for code in codes:
            for plan in plans:
                activation.decline_extension(db, actor, code, plan)


def save_capture(db: Database, actor: Actor, invoice: str, *,
                 serials: Sequence[tuple[str, str]],
                 accepts: Sequence[tuple[Sequence[str], str]],
                 declines: Sequence[tuple[Sequence[str], Sequence[str]]]) -> SaleCapture:
    """Register the serials, sell the accepted plans, record the declines; the sale again."""
    for code, serial in serials:
        registration.register_serial(db, actor, code, serial)
    for codes, plan in accepts:
        for code in codes:
            activation.sell_extension(db, actor, code, plan)
    record_declines(db, actor, declines)
    return registration.sale_for_capture(db, actor, invoice)


def codes_per_line(result: SaleResult, sale: SaleInput) -> list[list[str]]:
    """The warranty codes of a recorded sale, split by line in the order they were entered."""
    codes = iter(result.warranty_codes)
    return [[next(codes) for _ in range(line.quantity)] for line in sale.lines]
