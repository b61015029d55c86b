"""The cover a product of the shop's catalogue comes with, by SKU or GTIN (barcode number)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from warranty_desk import normalize
from warranty_desk.models import ExtensionPlan, Product
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.product_cover import PlanForSale, PolicyCover, gtin_of, product_cover
from warranty_desk.services.extension_plans import extension_terms
from warranty_desk.services.shop_locale import money_of
from warranty_desk.services.unit_of_work import UnitOfWork, reads
from warranty_desk.views import ProductCoverView


def cover_of(session: Session, product: Product) -> ProductCoverView:
    """The product's cover in the shop's words, prices in its currency and locale."""
    policy = product.policy
    plans = [PlanForSale(p.code, p.name, extension_terms(p))
             for p in session.scalars(select(ExtensionPlan).where(ExtensionPlan.active))]
    cover = product_cover(
        PolicyCover(policy.manufacturer_months, policy.shop_months, policy.terms or "",
                    tuple(policy.exclusions or ()), product.serial_required),
        plans, category=product.category, price_minor=product.list_price_minor,
        money=money_of(session).people)
    return ProductCoverView(product.sku, product.gtin, product.name, product.brand.name,
                            product.category, product.list_price_minor, cover)


def product_by_code(session: Session, code: str) -> Product | None:
    """The product a SKU or a GTIN (8, 12, 13 or 14 digits, kept as 14) names."""
    typed = "".join(code.split())
    gtin = gtin_of(typed)
    wanted = Product.sku == normalize.sku(typed)
    found = session.scalars(select(Product).where(
        or_(wanted, Product.gtin == gtin) if gtin else wanted)).first()
    return found


def product_cover_in(uow: UnitOfWork, actor: Actor, code: str) -> ProductCoverView | None:
    """The cover of the product a SKU or GTIN names, or None when the catalogue has none."""
    require(actor, Permission.LOOKUP)
    product = product_by_code(uow.session, code)
    return None if product is None else cover_of(uow.session, product)


product_cover_of = reads(product_cover_in)
