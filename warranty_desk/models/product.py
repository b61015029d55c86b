"""Brands and products: what the shop sells and which policy covers it."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warranty_desk.models.base import Base, money, uuid_pk
from warranty_desk.models.policy import Policy


class Brand(Base):
    """A manufacturer whose products the shop sells and claims against."""

    __tablename__ = "brands"

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    service_centre: Mapped[str] = mapped_column(String(300), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")


class Product(Base):
    """A SKU the shop sells."""

    __tablename__ = "products"

    id: Mapped[uuid_pk]
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(100), index=True)
    brand_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brands.id"), index=True)
    policy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("policies.id"), index=True)
    serial_required: Mapped[bool] = mapped_column(default=True)
    list_price_minor: Mapped[money]
    supplier: Mapped[str] = mapped_column(String(200), default="")

    brand: Mapped[Brand] = relationship(lazy="joined")
    policy: Mapped[Policy] = relationship(lazy="joined")
