"""The public product page's reads: a product by SKU or GTIN across the chain, and the cover it
comes with, worded by the till's own rule (warranty_desk.rules.product_cover).

Which branch's catalogue answers: the one a `?branch=` names; otherwise head office's catalogue
branch (PORTAL_CATALOGUE_BRANCH) when it lists the product; otherwise the first branch by code
that does. Only a product whose till sent its details and its policy's cover is shown.
Nothing here reads a customer, a sale or a warranty: the page is public.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from portal.projections.models import ExtensionPlan, Policy, Product
from warranty_desk.money import for_people
from warranty_desk.rules.product_cover import (
    PlanForSale,
    PolicyCover,
    ProductCover,
    gtin_of,
    product_cover,
)

# How head office writes a price when a till from before the locale travelled sent none.
DEFAULT_LOCALE = "en_GB"
# Bumped when what the page says from the same rows changes, so caches let go of the old words.
WORDING_VERSION = 1
# A SKU or GTIN as typed in an address: longer is no product of any till.
MAX_KEY = 64
# Branches that list one product: more than a chain has, few enough to read at once.
MAX_BRANCHES = 500


class NotListed(LookupError):
    """No branch lists the product (or not the branch asked for); the message says so plainly."""


@dataclass(frozen=True, slots=True)
class ProductDisplay:
    """One product as the public page shows it, from one branch's catalogue."""

    product: Product
    branch_code: str
    cover: ProductCover
    currency: str
    locale: str
    price: str
    etag: str


def _candidates(key: str, branch: str) -> list[Product]:
    wanted = Q(sku=key)
    gtin = gtin_of(key)
    if gtin:
        wanted |= Q(gtin=gtin)
    found = Product.objects.select_related("branch").filter(wanted, described=True)
    if branch:
        found = found.filter(branch__code=branch)
    return list(found.order_by("branch__code", "sku")[:MAX_BRANCHES])


def _policies(products: list[Product]) -> dict[tuple[int, str], Policy]:
    refs = Q()
    for product in products:
        refs |= Q(branch_id=product.branch_id, ref=product.policy_ref)
    return {(p.branch_id, p.ref): p
            for p in Policy.objects.filter(refs, manufacturer_months__isnull=False)}


def _chosen(products: list[Product], policies: dict[tuple[int, str], Policy]
            ) -> tuple[Product, Policy] | None:
    shown = [(p, policies[p.branch_id, p.policy_ref]) for p in products
             if (p.branch_id, p.policy_ref) in policies]
    if not shown:
        return None
    preferred = str(getattr(settings, "PORTAL_CATALOGUE_BRANCH", "") or "").upper()
    own = [pair for pair in shown if pair[0].branch.code == preferred]
    return (own or shown)[0]


def _etag(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def find(key: str, branch: str = "") -> ProductDisplay:
    """The product a SKU or GTIN names with its cover, or NotListed saying why in plain words."""
    key = "".join(key.split())[:MAX_KEY]
    branch = "".join(branch.split()).upper()[:6]
    products = _candidates(key, branch) if key else []
    found = _chosen(products, _policies(products)) if products else None
    if found is None:
        where = f"branch {branch}" if branch else "any of the shop's branches"
        raise NotListed(f"No product with the SKU or barcode number {key!r} is listed at "
                        f"{where}. Check the number on the product's label.")
    product, policy = found
    plans = list(ExtensionPlan.objects.filter(branch_id=product.branch_id, active=True)
                 .order_by("code"))
    currency = product.currency or next((p.currency for p in plans if p.currency), "")
    locale = product.locale or DEFAULT_LOCALE

    def money(minor: int) -> str:
        return for_people(minor, currency, locale) if currency else f"{minor / 100:.2f}"

    cover = product_cover(
        PolicyCover(policy.manufacturer_months or 0, policy.shop_months or 0, policy.terms,
                    tuple(str(e) for e in policy.exclusions), product.serial_required),
        [PlanForSale(p.code, p.name, p.terms()) for p in plans],
        category=product.category, price_minor=product.list_price_minor, money=money)
    price = "" if product.list_price_minor is None else money(product.list_price_minor)
    etag = _etag(WORDING_VERSION, product.branch.code, product.pk, product.seq, product.name,
                 policy.pk, policy.seq, [(p.pk, p.seq) for p in plans])
    return ProductDisplay(product, product.branch.code, cover, currency, locale, price, etag)
