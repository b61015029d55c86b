"""Staff accounts: name, role, hashed PIN and the wrong-PIN lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk


class Staff(Base):
    """A person who signs in at the counter."""

    __tablename__ = "staff"

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # Stored, not kept in memory, so the lock survives a restart.
    failed_pins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Locks in a row since the last right PIN: each lasts longer, and the last one waits for a
    # manager (services/staff.py, LOCK_STEPS).
    lockouts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[timestamp]
    # A supplier contact reads and updates only this supplier's brand claims; "" for the rest.
    supplier: Mapped[str] = mapped_column(String(200), default="", server_default="")
