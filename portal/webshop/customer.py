"""A customer's web orders that their branch has not registered yet, for the products page.

Shown from the moment head office queues them, matched by the order's email and nothing
else, until the branch's warranties for the order (invoice = the order's number) arrive in
the projection and the normal warranty cards take over.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from portal.projections.models import RefusedItem, Warranty
from portal.webshop.models import WebOrder


@dataclass(frozen=True, slots=True)
class WaitingOrder:
    """An order still with its branch, and whether the branch could not register it."""

    order: WebOrder
    refused: bool


def waiting_orders(email: str) -> list[WaitingOrder]:
    """The orders placed with this (normalised) email whose warranties have not arrived yet."""
    if not email:
        return []
    arrived = Warranty.objects.filter(branch_id=OuterRef("branch_id"),
                                      invoice=OuterRef("order_number"))
    refused = RefusedItem.objects.filter(branch_id=OuterRef("branch_id"),
                                         item_id=OuterRef("item_id"))
    rows = (WebOrder.objects.select_related("shop", "branch").filter(email=email)
            .annotate(arrived=Exists(arrived), refused=Exists(refused))
            .filter(arrived=False).order_by("-sold_on", "-pk"))
    return [WaitingOrder(row, bool(row.refused)) for row in rows]
