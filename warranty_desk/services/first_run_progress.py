"""Where the first-run setup stands: read at every start and every lock, so it loads nothing of
the setup's steps (warranty_desk/services/first_run.py saves them), nor SQLAlchemy: the start
reads it through the sqlite3 driver before the sign-in page shows."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from warranty_desk.permissions import Role
from warranty_desk.storage.database import Database, session_rows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from warranty_desk.models import FirstRunProgress
    from warranty_desk.services.unit_of_work import UnitOfWork

# In the order the setup asks; "done" once it is finished.
STEPS = ("shop", "branch", "owner", "policies", "scanner", "printer", "head_office")
DONE = "done"
ROW_ID = 1

# Plain SQL with ? markers to its rows: a session's (session_rows) or a driver connection's.
Rows = Callable[..., Sequence[Any]]

_ROW = "SELECT step, drafts, finished_at FROM first_run WHERE id = ?"
_OWNER = "SELECT name FROM staff WHERE role = ? ORDER BY name LIMIT 1"
_ANY_STAFF = "SELECT 1 FROM staff LIMIT 1"


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


def _owner(rows: Rows) -> str:
    found = rows(_OWNER, (Role.OWNER.value,))
    return str(found[0][0]) if found else ""


def owner_name(session: Session) -> str:
    """The owner's name ("" before their account is made)."""
    return _owner(partial(session_rows, session))


def is_finished(session: Session, row: FirstRunProgress | None) -> bool:
    """Whether the setup is over: its row says so, or (no row) the shop has staff."""
    if row is not None:
        return row.finished_at is not None
    # A shop set up before the setup existed (or by the command line) has staff and no row.
    return bool(session_rows(session, _ANY_STAFF))


def _progress(rows: Rows) -> Progress:
    found = rows(_ROW, (ROW_ID,))
    if not found:
        finished = bool(rows(_ANY_STAFF))
        return Progress(DONE if finished else STEPS[0], {}, finished, _owner(rows))
    step, drafts, finished_at = found[0]
    finished = finished_at is not None
    # The drafts column is SQLAlchemy's JSON: the text json.dumps wrote ("null" or NULL too).
    return Progress(DONE if finished else str(step), dict(json.loads(drafts or "null") or {}),
                    finished, _owner(rows))


def progress_in(uow: UnitOfWork) -> Progress:
    """Where the setup stands; a shop with staff and no setup row counts as set up."""
    return _progress(partial(session_rows, uow.session))


def progress(db: Database) -> Progress:
    """As progress_in, in a read of its own on the driver (SQLAlchemy need not be loaded)."""
    with db.driver_read() as conn:
        return _progress(lambda sql, params=(): conn.execute(sql, params).fetchall())
