"""How far the first-run setup has come, and what was typed in the steps already saved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp


class FirstRunProgress(Base):
    """The one row of the setup a new shop walks through; a shop set up before it has none."""

    __tablename__ = "first_run"

    # Always 1: a shop has one setup.
    id: Mapped[int] = mapped_column(primary_key=True)
    step: Mapped[str] = mapped_column(String(20))
    # Per step, the plain values typed (never a PIN, token or password).
    drafts: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[timestamp]
    finished_at: Mapped[datetime | None]
