"""Staff accounts, PIN sign-in with stored wrong-PIN locks that grow, and second-person overrides.

Five wrong PINs in a row lock an account; each lock in a row lasts longer (LOCK_STEPS), and
after the last of them the account stays locked until a manager unlocks it. A right PIN starts
the steps afresh. So a 4-digit PIN gets at most 20 guesses before a person must look into it,
where a fixed five-minute lock allowed 1,440 a day.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import (
    AccountLocked,
    BadInput,
    NotFound,
    PermissionDenied,
    WarrantyDeskError,
)
from warranty_desk.models import Staff
from warranty_desk.permissions import ROLE_LABELS, Actor, Permission, Role, allowed, require
from warranty_desk.services import audit
from warranty_desk.services.shop_time import shop_zone
from warranty_desk.services.staff_names import PIN_MAX_DIGITS, PIN_MIN_DIGITS, name_order
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import Database, clock_of

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MAX_WRONG_PINS = 5
# Minutes of each lock in a row; the lock after the last step waits for a manager.
LOCK_STEPS = (5, 15, 60)
LOCK_MINUTES = LOCK_STEPS[0]

# argon2id with the library's memory and parallelism defaults, but two passes instead of three:
# about a tenth of a second on a counter PC, so a queue at the till never waits on sign-in. A
# 4-8 digit PIN cannot survive an offline guessing attack whatever the cost; the stored lock
# below is the real defence and the hash only keeps PINs from being read off a copied file.
# Tests swap in a cheaper argon2id hasher by replacing this attribute. It stays None until the
# first PIN is hashed or checked: argon2 and cffi cost about 20 ms of every start, before the
# sign-in screen can show.
HASHER: PasswordHasher | None = None


def production_hasher() -> PasswordHasher:
    """The hasher a till uses (see above)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=2)


def _hasher() -> PasswordHasher:
    global HASHER
    if HASHER is None:
        HASHER = production_hasher()
    return HASHER

_PIN = re.compile(rf"[0-9]{{{PIN_MIN_DIGITS},{PIN_MAX_DIGITS}}}")
# Who failed attempts are recorded against: the person at the till has not proved who they are.
_SIGN_IN_SCREEN = Actor.system("sign-in screen")
# Roles that can still manage staff from the app; losing the last one strands the shop.
_STAFF_MANAGERS = frozenset({Role.OWNER, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class StaffView:
    """One staff member as the screens show them; never carries the PIN hash."""

    id: uuid.UUID
    name: str
    role: Role
    active: bool
    locked_until: datetime | None
    needs_unlock: bool = False  # locked after the last step: waits for a manager

    def locked(self, now: datetime) -> bool:
        """Whether the account refuses every PIN at this instant."""
        return self.needs_unlock or (self.locked_until is not None and now < self.locked_until)


def _needs_unlock(row: Staff) -> bool:
    return row.lockouts > len(LOCK_STEPS)


def _view(row: Staff) -> StaffView:
    return StaffView(id=row.id, name=row.name, role=Role(row.role), active=row.active,
                     locked_until=row.locked_until, needs_unlock=_needs_unlock(row))


def _actor(row: Staff) -> Actor:
    return Actor(staff_id=row.id, name=row.name, role=Role(row.role), supplier=row.supplier)


def check_pin(pin: str) -> None:
    """Refuse, in plain words and without repeating it, a PIN that is not 4 to 8 digits."""
    if _PIN.fullmatch(pin) is not None:
        return
    rule = f"A PIN must be {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits (0-9)"
    if any(c not in "0123456789" for c in pin):
        raise BadInput(f"{rule}, with no letters, spaces or other signs. Type a new PIN.")
    if len(pin) < PIN_MIN_DIGITS:
        raise BadInput(f"{rule}; that one is too short. Type a longer PIN.")
    raise BadInput(f"{rule}; that one is too long. Type a shorter PIN.")


def hash_pin(pin: str) -> str:
    """The argon2id hash stored for a PIN; checks the PIN's form first."""
    check_pin(pin)
    return _hasher().hash(pin)


def _pin_matches(pin_hash: str, pin: str) -> bool:
    # Anything that is not a well-formed PIN is simply wrong, and is never fed to the hasher
    # (a pasted megabyte would otherwise cost real time).
    if _PIN.fullmatch(pin) is None:
        return False
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise BadInput("The staff member has no name. Type the name shown on the sign-in screen.")
    if len(cleaned) > 200:
        raise BadInput("That name is longer than 200 characters. Type a shorter name.")
    return cleaned


def _by_name(session: Session, name: str) -> Staff | None:
    exact = session.scalars(select(Staff).where(Staff.name == name)).first()
    if exact is not None:
        return exact
    # SQLite's lower() only folds ASCII; the staff list is short, so fold every name in Python.
    wanted = name.casefold()
    return next((s for s in session.scalars(select(Staff)) if s.name.casefold() == wanted), None)


def _find(session: Session, key: uuid.UUID | str) -> Staff:
    row: Staff | None
    if isinstance(key, uuid.UUID):
        row = session.get(Staff, key)
    else:
        text = " ".join(key.split())
        try:
            row = session.get(Staff, uuid.UUID(text))
        except ValueError:
            row = None
        if row is None and text:
            row = _by_name(session, text)
    if row is None:
        raise NotFound(f"There is no staff member called {key}. Pick a name from the list.")
    return row



def _typed(name: str) -> str:
    """A name as typed after a command, in the double quotes every shell of a till reads."""
    return f'"{name}"'


def _locked_message(session: Session, row: Staff, now: datetime) -> str:
    if _needs_unlock(row) and Role(row.role) in _STAFF_MANAGERS:
        return (f"Too many wrong PINs, again and again: {row.name} is locked until another "
                "owner or admin unlocks the account (Settings > Staff & roles). If nobody else "
                f"can sign in, run `warranty-desk staff unlock {_typed(row.name)}` on this till's "
                "computer. If this was not you, tell the owner.")
    if _needs_unlock(row):
        return (f"Too many wrong PINs, again and again: {row.name} is locked until a manager "
                "unlocks the account (Settings > Staff & roles, or `warranty-desk staff unlock`). "
                "Ask a manager; if this was not you, tell them.")
    assert row.locked_until is not None
    local = row.locked_until.astimezone(shop_zone(session))
    minutes = max(1, math.ceil((row.locked_until - now).total_seconds() / 60))
    return (f"Too many wrong PINs. {row.name} is locked until {local:%H:%M} "
            f"({minutes} minute{'' if minutes == 1 else 's'}). Ask a manager if this was not you.")


def _next_lock(row: Staff) -> str:
    """What the next lock will be, as "locked for 15 minutes" says it."""
    if row.lockouts >= len(LOCK_STEPS):
        return "locked until a manager unlocks it"
    return f"locked for {LOCK_STEPS[row.lockouts]} minutes"


def _lock(session: Session, row: Staff, now: datetime) -> AccountLocked:
    """Lock after the last wrong PIN of a row: for the next step, or until a manager unlocks."""
    row.lockouts += 1
    if _needs_unlock(row):
        row.locked_until = None
        until = "a manager unlocks it"
    else:
        row.locked_until = now + timedelta(minutes=LOCK_STEPS[row.lockouts - 1])
        until = row.locked_until.isoformat()
    audit.record(session, _SIGN_IN_SCREEN, "staff.locked", "staff", row.id,
                 {"until": until, "wrong_pins": row.failed_pins, "lockouts": row.lockouts})
    return AccountLocked(_locked_message(session, row, now))


def _attempt(session: Session, key: uuid.UUID | str, pin: str, now: datetime,
             purpose: str) -> tuple[Staff, WarrantyDeskError | None]:
    """Check one PIN against the stored count and lock; the refusal is returned, not raised.

    Returning the refusal lets the caller commit the new count before raising it. The check
    runs inside the write transaction, so two tills cannot both spend the last try.
    """
    row = _find(session, key)
    if not row.active:
        audit.record(session, _SIGN_IN_SCREEN, "staff.sign_in_failed", "staff", row.id,
                     {"reason": "inactive", "purpose": purpose})
        return row, PermissionDenied(
            f"{row.name}'s account is switched off. Ask the owner or system admin to switch it "
            "back on."
        )
    if _needs_unlock(row) or (row.locked_until is not None and now < row.locked_until):
        audit.record(session, _SIGN_IN_SCREEN, "staff.sign_in_failed", "staff", row.id,
                     {"reason": "locked", "purpose": purpose})
        return row, AccountLocked(_locked_message(session, row, now))
    if row.locked_until is not None:
        # The lock has run out: a fresh set of tries, but the next lock is the next step.
        row.locked_until = None
        row.failed_pins = 0
    if _pin_matches(row.pin_hash, pin):
        row.failed_pins = 0
        row.lockouts = 0
        if _hasher().check_needs_rehash(row.pin_hash):
            row.pin_hash = _hasher().hash(pin)
        return row, None
    row.failed_pins += 1
    audit.record(session, _SIGN_IN_SCREEN, "staff.sign_in_failed", "staff", row.id,
                 {"reason": "wrong PIN", "wrong_pins": row.failed_pins, "purpose": purpose})
    if row.failed_pins >= MAX_WRONG_PINS:
        return row, _lock(session, row, now)
    left = MAX_WRONG_PINS - row.failed_pins
    tries = "1 try" if left == 1 else f"{left} tries"
    return row, BadInput(f"Wrong PIN for {row.name}. {tries} left before the account is "
                         f"{_next_lock(row)}.")


def sign_in(db: Database, staff_id_or_name: uuid.UUID | str, pin: str) -> Actor:
    """The signed-in person, or a plain-words refusal; wrong tries are counted and committed."""
    refusal: WarrantyDeskError | None = None
    with db.write() as session:
        row, refusal = _attempt(session, staff_id_or_name, pin, clock_of(session).now(),
                                "sign in")
        signed_in = _actor(row)
        if refusal is None:
            audit.record(session, signed_in, "staff.sign_in", "staff", row.id)
    # Raised only after the block above has committed the count and the audit entries.
    if refusal is not None:
        raise refusal
    return signed_in


def verify_override(db: Database, staff_name_or_id: uuid.UUID | str, pin: str, *,
                    permission: Permission = Permission.OVERRIDE_RULE,
                    allowed_roles: frozenset[Role] | None = None) -> Actor:
    """A second person's PIN approving one override; the signed-in person stays signed in."""
    refusal: WarrantyDeskError | None = None
    with db.write() as session:
        row, refusal = _attempt(session, staff_name_or_id, pin, clock_of(session).now(),
                                "override")
        approver = _actor(row)
        if refusal is None:
            role_ok = allowed(approver.role, permission) and (
                allowed_roles is None or approver.role in allowed_roles)
            if role_ok:
                audit.record(session, approver, "staff.override", "staff", row.id,
                             {"permission": permission.value})
            else:
                audit.record(session, approver, "staff.override_refused", "staff", row.id,
                             {"permission": permission.value})
                roles = allowed_roles if allowed_roles is not None else frozenset(Role)
                who = [ROLE_LABELS[r] for r in Role
                       if r in roles and allowed(r, permission) and r is not Role.SYSTEM]
                refusal = PermissionDenied(
                    f"{approver.name} ({ROLE_LABELS[approver.role]}) may not approve this: "
                    f"it needs someone who may {permission.value}. "
                    f"Ask one of: {', '.join(who) or 'nobody at the counter'}."
                )
    if refusal is not None:
        raise refusal
    return approver


def _owners_own_business(actor: Actor, role: Role, what: str) -> None:
    """Only an owner (or the command line) gives the owner role or changes an owner's account:
    a system admin who could would take the shop over by resetting the owner's PIN."""
    if role is Role.OWNER and actor.role not in (Role.OWNER, Role.SYSTEM):
        raise PermissionDenied(f"{actor.name} ({ROLE_LABELS[actor.role]}) may not {what}: that "
                               "is for an owner. Nothing was changed.")


def create_staff_in(uow: UnitOfWork, actor: Actor, name: str, role: Role, pin: str, *,
                    supplier: str = "") -> StaffView:
    """A new active staff member; the PIN is kept only as its argon2id hash. A supplier contact
    names the supplier whose brand claims they may read and update."""
    require(actor, Permission.MANAGE_STAFF)
    if role is Role.SYSTEM:
        raise BadInput("The command line role is not a person. Pick a role such as Sales staff "
                       "or Warranty manager.")
    supplier = " ".join(supplier.split())
    if role is Role.SUPPLIER and not supplier:
        raise BadInput("A supplier contact works for one supplier: type the supplier's name as "
                       "it is on the products (for example Lumen UK Distribution).")
    if role is not Role.SUPPLIER:
        supplier = ""
    _owners_own_business(actor, role, "give the owner role")
    cleaned = _clean_name(name)
    pin_hash = hash_pin(pin)
    session = uow.session
    existing = _by_name(session, cleaned)
    if existing is not None:
        raise BadInput(f"There is already a staff member called {existing.name}. "
                       "Add a surname or initial to tell them apart.")
    row = Staff(name=cleaned, role=role.value, pin_hash=pin_hash, active=True,
                failed_pins=0, locked_until=None, supplier=supplier)
    session.add(row)
    session.flush()
    audit.record(session, actor, "staff.create", "staff", row.id,
                 {"name": cleaned, "role": role.value}
                 | ({"supplier": supplier} if supplier else {}))
    return _view(row)


create_staff = writes(create_staff_in)


def set_pin_in(uow: UnitOfWork, actor: Actor, staff_id: uuid.UUID, new_pin: str) -> None:
    """Change a PIN (a staff manager, or the person themself); it also lifts any lock."""
    if actor.staff_id != staff_id:
        require(actor, Permission.MANAGE_STAFF)
    pin_hash = hash_pin(new_pin)
    session = uow.session
    row = _find(session, staff_id)
    if actor.staff_id != staff_id:
        _owners_own_business(actor, Role(row.role), f"change {row.name}'s PIN")
    row.pin_hash = pin_hash
    row.failed_pins = 0
    row.locked_until = None
    row.lockouts = 0
    audit.record(session, actor, "staff.set_pin", "staff", row.id, {"name": row.name})


set_pin = writes(set_pin_in)


def deactivate_staff_in(uow: UnitOfWork, actor: Actor, staff_id: uuid.UUID) -> StaffView:
    """Switch an account off; its history stays. Not yourself, not the last owner or admin."""
    require(actor, Permission.MANAGE_STAFF)
    if actor.staff_id == staff_id:
        raise BadInput("You cannot switch off your own account. Ask another owner or system "
                       "admin to do it.")
    session = uow.session
    row = _find(session, staff_id)
    _owners_own_business(actor, Role(row.role), f"switch off {row.name}'s account")
    if not row.active:
        return _view(row)
    if Role(row.role) in _STAFF_MANAGERS:
        others = session.scalars(
            select(Staff.id).where(Staff.active.is_(True), Staff.id != row.id,
                                   Staff.role.in_([r.value for r in _STAFF_MANAGERS]))
        ).first()
        if others is None:
            raise BadInput(f"{row.name} is the last active owner or system admin, so nobody "
                           "could manage staff afterwards. Add another owner or admin first.")
    row.active = False
    audit.record(session, actor, "staff.deactivate", "staff", row.id, {"name": row.name})
    return _view(row)


deactivate_staff = writes(deactivate_staff_in)


def reactivate_staff_in(uow: UnitOfWork, actor: Actor, staff_id: uuid.UUID) -> StaffView:
    """Switch an account back on (a returning employee); wrong-PIN counts start afresh."""
    require(actor, Permission.MANAGE_STAFF)
    session = uow.session
    row = _find(session, staff_id)
    if row.active:
        return _view(row)
    row.active = True
    row.failed_pins = 0
    row.locked_until = None
    row.lockouts = 0
    audit.record(session, actor, "staff.reactivate", "staff", row.id, {"name": row.name})
    return _view(row)


reactivate_staff = writes(reactivate_staff_in)


def may_unlock(actor: Actor, role: Role) -> bool:
    """Whether this person may lift a lock on an account of this role: a manager unlocks the
    counter's staff, never the owner's or an admin's account (that is for those who run the
    staff accounts)."""
    if not allowed(actor.role, Permission.UNLOCK_STAFF):
        return False
    return role not in _STAFF_MANAGERS or allowed(actor.role, Permission.MANAGE_STAFF)


def unlock_staff_in(uow: UnitOfWork, actor: Actor, staff_id: uuid.UUID | str) -> StaffView:
    """Lift a wrong-PIN lock (timed, or one waiting for a manager); the steps start afresh."""
    require(actor, Permission.UNLOCK_STAFF)
    session = uow.session
    row = _find(session, staff_id)
    if not may_unlock(actor, Role(row.role)):
        raise PermissionDenied(
            f"{actor.name} ({ROLE_LABELS[actor.role]}) may not unlock {row.name}'s account: "
            f"an account of the {ROLE_LABELS[Role(row.role)]} role is unlocked by another owner "
            "or system admin. Nothing was changed.")
    now = clock_of(session).now()
    if not _view(row).locked(now):
        raise BadInput(f"{row.name}'s account is not locked, so there is nothing to unlock. "
                       "Nothing was changed.")
    details = {"name": row.name, "lockouts": row.lockouts,
               "until": row.locked_until.isoformat() if row.locked_until and not
               _needs_unlock(row) else "a manager unlocks it"}
    row.failed_pins = 0
    row.locked_until = None
    row.lockouts = 0
    audit.record(session, actor, "staff.unlock", "staff", row.id, details)
    return _view(row)


unlock_staff = writes(unlock_staff_in)

# Who the till's own command line acts as when it lifts the last owner's lock.
AT_THE_MACHINE = "command line at the till"


def unlock_at_the_machine_in(uow: UnitOfWork, name: str) -> StaffView:
    """The way back for a shop whose owners and admins are all locked out: the command line on
    the till's own machine lifts an owner's or admin's lock, audited as that command line.

    Whoever can run it there can change the shop's file directly anyway, so this opens nothing
    new; without it such a shop could never unlock anyone again. Refused while another owner
    or admin can sign in (they unlock it), and for counter staff (a manager unlocks them)."""
    session = uow.session
    row = _find(session, name)
    role = Role(row.role)
    if role not in _STAFF_MANAGERS:
        raise PermissionDenied(
            f"{row.name} ({ROLE_LABELS[role]}) is unlocked by a manager, owner or admin: "
            f"`warranty-desk staff unlock {_typed(row.name)} --staff MANAGER`. "
            "Nothing was changed.")
    now = clock_of(session).now()
    others = [s for s in session.scalars(select(Staff).where(
        Staff.active, Staff.role.in_([r.value for r in _STAFF_MANAGERS]), Staff.id != row.id))
        if not _view(s).locked(now)]
    if others:
        other = min(others, key=lambda s: name_order(s.name))  # the first on the list
        raise PermissionDenied(
            f"{other.name} ({ROLE_LABELS[Role(other.role)]}) can sign in and unlock "
            f"{row.name}'s account: `warranty-desk staff unlock {_typed(row.name)} --staff "
            f"{_typed(other.name)}`, or Settings > Staff & roles. Nothing was changed.")
    return unlock_staff_in(uow, Actor.system(AT_THE_MACHINE), row.id)


unlock_at_the_machine = writes(unlock_at_the_machine_in)


def list_staff_in(uow: UnitOfWork) -> tuple[StaffView, ...]:
    """Everyone, active first and then by name; the sign-in screen needs no permission."""
    session = uow.session
    rows = session.scalars(select(Staff)).all()
    views = [_view(r) for r in rows]
    return tuple(sorted(views, key=lambda v: (not v.active, *name_order(v.name))))


list_staff = reads(list_staff_in)
