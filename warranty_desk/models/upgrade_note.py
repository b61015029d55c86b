"""Notes a schema upgrade leaves for people: what it could not decide alone (kept, not lost)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base


class UpgradeNote(Base):
    """One thing a migration asks a person to check, e.g. two customers now sharing a phone."""

    __tablename__ = "upgrade_notes"

    # In the order the migrations wrote them.
    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
