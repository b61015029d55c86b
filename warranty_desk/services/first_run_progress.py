"""Where the first-run setup stands: read at every start and every lock, so it loads nothing of
the setup's steps (warranty_desk/services/first_run.py saves them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.models import FirstRunProgress, Staff
from warranty_desk.permissions import Role
from warranty_desk.services.unit_of_work import UnitOfWork, reads

# In the order the setup asks; "done" once it is finished.
STEPS = ("shop", "branch", "owner", "policies", "scanner", "printer", "head_office")
DONE = "done"
ROW_ID = 1


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the setup has come: the step to show, what was typed, and the owner's name."""

    step: str
    drafts: Mapping[str, Mapping[str, str]]
    finished: bool
    owner: str = ""  # the owner's name once their account is made

    def draft(self, step: str) -> dict[str, str]:
        """What was typed in a step (empty when nothing was)."""
        return dict(self.drafts.get(step, {}))


def progress_row(session: Session) -> FirstRunProgress | None:
    """The setup's one progress row; None before its first save (or on an older shop)."""
    return session.get(FirstRunProgress, ROW_ID)


def owner_name(session: Session) -> str:
    """The owner's name ("" before their account is made)."""
    name = session.scalars(select(Staff.name).where(Staff.role == Role.OWNER.value)
                           .order_by(Staff.name).limit(1)).first()
    return name or ""


def is_finished(session: Session, row: FirstRunProgress | None) -> bool:
    """Whether the setup is over: its row says so, or (no row) the shop has staff."""
    if row is not None:
        return row.finished_at is not None
    # A shop set up before the setup existed (or by the command line) has staff and no row.
    return session.scalars(select(Staff.id).limit(1)).first() is not None


def progress_in(uow: UnitOfWork) -> Progress:
    """Where the setup stands; a shop with staff and no setup row counts as set up."""
    session = uow.session
    row = progress_row(session)
    finished = is_finished(session, row)
    if row is None:
        return Progress(DONE if finished else STEPS[0], {}, finished, owner_name(session))
    return Progress(DONE if finished else row.step, dict(row.drafts or {}), finished,
                    owner_name(session))


progress = reads(progress_in)
