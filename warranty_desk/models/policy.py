"""Warranty policies and the paid extension plans offered at sale."""

from __future__ import annotations

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, money, uuid_pk


class Policy(Base):
    """The rules that cover a product: months, terms, exclusions, evidence and limits."""

    __tablename__ = "policies"

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    manufacturer_months: Mapped[int] = mapped_column(default=12)
    shop_months: Mapped[int] = mapped_column(default=0)
    terms: Mapped[str] = mapped_column(Text, default="")
    exclusions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Claim type -> evidence kinds needed before the claim can move past review.
    evidence_required: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    serial_required: Mapped[bool] = mapped_column(default=True)
    claim_limit_count: Mapped[int | None]
    claim_limit_period_months: Mapped[int] = mapped_column(default=12)
    # Roles that may override this policy's rules with their PIN and a reason.
    override_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    new_term_on_replacement: Mapped[bool] = mapped_column(default=False)
    # Staff may reword a customer message of a claim under this policy before it leaves.
    message_edit_allowed: Mapped[bool] = mapped_column(default=True, server_default="1")
    # When the cover of a sale made online starts: "sale" (the order date) or "delivery".
    # Counter sales leave with the customer, so for them the two are the same day.
    online_cover_from: Mapped[str] = mapped_column(String(10), default="sale",
                                                   server_default="sale")


class ExtensionPlan(Base):
    """A paid extended warranty: who may buy it, for how much, for how long."""

    __tablename__ = "extension_plans"

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # How head office and the till name the plan to each other (CARE-12): the name is for
    # people and may change; the code does not.
    code: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    months: Mapped[int]
    price_minor: Mapped[money]
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_price_minor: Mapped[money]
    max_price_minor: Mapped[int | None]
    max_days_since_sale: Mapped[int] = mapped_column(default=30)
    active: Mapped[bool] = mapped_column(default=True)
