"""A customer's web orders that their branch has not registered yet, for the products page.

Shown from the moment head office queues them, matched by the order's email and nothing
else, until the branch's warranties for the order (invoice = the order's number) arrive in
the projection and the normal warranty cards take over.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from portal.projections.models import Policy, Product, RefusedItem, Warranty
from portal.webshop.models import WebOrder


@dataclass(frozen=True, slots=True)
class WaitingOrder:
    """An order still with its branch, whether the branch could not register it, and whether
    the policy of its products starts their cover on delivery."""

    order: WebOrder
    refused: bool
    cover_on_delivery: bool = False


def cover_on_delivery(order: WebOrder) -> bool:
    """Whether the branch's policy for the order's products starts an online sale's cover on
    delivery: the policy its catalogue names for each product (catalogue.products_added), or
    for a product the catalogue has not described, the one its warranties name."""
    skus = {str(line.get("sku")) for line in order.lines if isinstance(line, dict)}
    refs = set(Product.objects.filter(branch_id=order.branch_id, sku__in=skus)
               .exclude(policy_ref="").values_list("policy_ref", flat=True))
    refs |= set(Warranty.objects.filter(branch_id=order.branch_id, product__sku__in=skus)
                .exclude(policy_ref="").values_list("policy_ref", flat=True).distinct())
    return Policy.objects.filter(branch_id=order.branch_id, ref__in=refs,
                                 online_cover_from="delivery").exists()


def waiting_orders(email: str) -> list[WaitingOrder]:
    """The orders placed with this (normalised) email whose warranties have not arrived yet."""
    if not email:
        return []
    arrived = Warranty.objects.filter(branch_id=OuterRef("branch_id"),
                                      invoice=OuterRef("order_number"))
    refused = RefusedItem.objects.filter(branch_id=OuterRef("branch_id"),
                                         item_id=OuterRef("item_id"))
    # Most customers have none waiting: the shop and branch come in queries of their own when
    # there are some (prefetched), so the query that usually finds none stays narrow.
    rows = (WebOrder.objects.prefetch_related("shop", "branch")
            .filter(~Exists(arrived), email=email).annotate(refused=Exists(refused))
            .order_by("-sold_on", "-pk"))
    return [WaitingOrder(row, bool(row.refused), not row.refused and cover_on_delivery(row))
            for row in rows]
