"""Who answers for each open claim: its owner and a backup, chosen by a manager, on record."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models import Staff
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.services import audit
from warranty_desk.services.claim_common import add_event, load_claim, staff_name
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes


@dataclass(frozen=True, slots=True)
class ClaimOwners:
    """A claim's owner and backup by name (None: nobody), and who may be chosen."""

    number: str
    owner: str | None
    backup: str | None
    staff: tuple[str, ...] = ()  # active staff, by name, for the choice


def _active_staff(session: Session) -> tuple[str, ...]:
    return tuple(session.scalars(
        select(Staff.name).where(Staff.active.is_(True)).order_by(Staff.name)))


def _person(session: Session, name: str | None, what: str) -> Staff | None:
    if name is None or not name.strip():
        return None
    found = session.scalars(select(Staff).where(Staff.name == name.strip())).first()
    if found is None:
        raise NotFound(f"No staff member {name.strip()!r} to be the {what}. Pick a name from "
                       "the sign-in list.")
    if not found.active:
        raise BadInput(f"{found.name} no longer works here (their account is switched off); "
                       f"pick another {what}.")
    return found


def owners_in(uow: UnitOfWork, actor: Actor, number: str) -> ClaimOwners:
    """The claim's owner and backup, with the staff who could take either role."""
    require(actor, Permission.LOOKUP)
    session = uow.session
    claim = load_claim(session, number)
    return ClaimOwners(claim.number, staff_name(session, claim.assignee_id),
                       staff_name(session, claim.backup_id), _active_staff(session))


owners = reads(owners_in)


def set_owners_in(uow: UnitOfWork, actor: Actor, number: str, owner: str | None,
                  backup: str | None) -> ClaimOwners:
    """Give an open claim its owner and backup (None or "" leaves that place empty); the
    timeline and the audit log keep who was before and who is now."""
    require(actor, Permission.ASSIGN_CLAIM)
    session = uow.session
    claim = load_claim(session, number)
    if claim.state not in OPEN_STATES:
        raise RuleBlocked(f"Claim {claim.number} is closed ({claim.state}); only an open claim "
                          "needs an owner. Reopen it first if it is worked on again.",
                          overridable=False)
    new_owner, new_backup = _person(session, owner, "owner"), _person(session, backup, "backup")
    if new_owner is not None and new_backup is not None and new_owner.id == new_backup.id:
        raise BadInput(f"{new_owner.name} cannot be both the owner and the backup: the backup "
                       "takes the claim over when the owner is away. Pick someone else.")
    before = (staff_name(session, claim.assignee_id), staff_name(session, claim.backup_id))
    after = (new_owner.name if new_owner else None, new_backup.name if new_backup else None)
    if before == after:
        return ClaimOwners(claim.number, *after, _active_staff(session))
    claim.assignee_id = new_owner.id if new_owner else None
    claim.backup_id = new_backup.id if new_backup else None
    words = (f"Owner {after[0] or 'nobody'} (was {before[0] or 'nobody'}); "
             f"backup {after[1] or 'nobody'} (was {before[1] or 'nobody'})")
    add_event(session, claim, actor, "owners", reason=words)
    audit.record(session, actor, "claim.owners", "claim", claim.number,
                 {"owner": after[0], "backup": after[1], "owner_before": before[0],
                  "backup_before": before[1]})
    # Head office hears the new owner with the claim's next event (every claim event carries
    # owner and backup): the contract has no topic for an owner change alone.
    return ClaimOwners(claim.number, *after, _active_staff(session))


set_owners = writes(set_owners_in)
