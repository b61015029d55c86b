"""The shop and its branch: names, locale and the counters behind people-facing numbers."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, uuid_pk


class Shop(Base):
    """This install's shop and branch; one row."""

    __tablename__ = "shop"

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(200))
    branch_code: Mapped[str] = mapped_column(String(6))
    branch_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    locale: Mapped[str] = mapped_column(String(20), default="en_GB")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    portal_url_template: Mapped[str] = mapped_column(String(500), default="")
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    # Days before a warranty ends that the nightly run reminds a customer who agreed to it.
    reminder_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # A claim open longer than this many days asks for a retention call to its customer.
    follow_up_open_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # How far (minor units) a brand claim's settlements may end from what was expected before a
    # manager must agree; below it finance records the difference with a reason.
    settlement_limit_minor: Mapped[int] = mapped_column(default=5_000, server_default="5000")


class NumberCounter(Base):
    """The last number handed out per kind and year, so numbers never repeat in a branch."""

    __tablename__ = "number_counters"

    kind: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
