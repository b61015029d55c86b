"""Staff accounts and PIN sign-in: hashing, the stored wrong-PIN lock and overrides."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from argon2 import Type as Argon2Type
from sqlalchemy import select, update

from tests.conftest import actor, sqlite_file
from warranty_desk.clock import FixedClock
from warranty_desk.errors import AccountLocked, BadInput, NotFound, PermissionDenied
from warranty_desk.models import AuditEntry, Shop, Staff
from warranty_desk.permissions import Actor, Permission, Role
from warranty_desk.services import staff
from warranty_desk.storage.database import Database

PRODUCTION_HASHER = staff.production_hasher()
OWNER = actor(Role.OWNER)
T0 = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)


# The cheap argon2id hasher (tests/conftest.py): many sign-ins run quickly.
pytestmark = pytest.mark.usefixtures("fast_hasher")


def _add(db: Database, name: str = "Anna", role: Role = Role.SALES,
         pin: str = "4821") -> staff.StaffView:
    return staff.create_staff(db, OWNER, name, role, pin)


def _actions(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def _at(db: Database, when: datetime) -> None:
    """Stand the database's clock at an instant (tests run on a FixedClock)."""
    assert isinstance(db.clock, FixedClock)
    db.clock.set(when)


def _fail(db: Database, name: str, times: int, now: datetime) -> None:
    _at(db, now)
    for _ in range(times):
        with pytest.raises((BadInput, AccountLocked)):
            staff.sign_in(db, name, "0000")


def test_a_created_staff_member_is_listed_active_with_their_role(db: Database) -> None:
    view = _add(db, "Anna", Role.TECHNICIAN)
    assert staff.list_staff(db) == (
        staff.StaffView(id=view.id, name="Anna", role=Role.TECHNICIAN, active=True,
                        locked_until=None),
    )
    assert "staff.create" in _actions(db)


def test_the_list_shows_active_people_first_then_by_name(db: Database) -> None:
    zed = _add(db, "Zed")
    _add(db, "bob")
    _add(db, "Carla")
    staff.deactivate_staff(db, OWNER, zed.id)
    _add(db, "Alice")
    assert [v.name for v in staff.list_staff(db)] == ["Alice", "bob", "Carla", "Zed"]
    _add(db, "Yvonne", Role.OWNER)
    assert [v.active for v in staff.list_staff(db)] == [True, True, True, True, False]


def test_a_second_staff_member_with_the_same_name_is_refused(db: Database) -> None:
    _add(db, "Anna")
    with pytest.raises(BadInput, match=r"There is already a staff member called Anna\."):
        _add(db, "  anna ")
    assert len(staff.list_staff(db)) == 1


def test_the_command_line_role_cannot_be_given_to_a_person(db: Database) -> None:
    with pytest.raises(BadInput, match="not a person"):
        _add(db, "Robo", Role.SYSTEM)
    assert staff.list_staff(db) == ()


@pytest.mark.parametrize("pin, words", [
    ("123", "too short"), ("", "too short"), ("123456789", "too long"),
    ("12a4", "no letters"), ("12 34", "no letters"), ("١٢٣٤", "no letters"),
    ("1234\n", "no letters"),
])
def test_a_pin_that_is_not_4_to_8_digits_is_refused_without_repeating_it(
    db: Database, pin: str, words: str,
) -> None:
    with pytest.raises(BadInput, match=words) as caught:
        _add(db, "Anna", pin=pin)
    assert "4 to 8 digits" in str(caught.value)
    if pin:
        assert pin not in str(caught.value)
    assert staff.list_staff(db) == ()


def test_the_pin_is_stored_as_an_argon2id_hash_that_does_not_contain_it(db: Database) -> None:
    view = _add(db, "Anna", pin="48213377")
    with db.read() as session:
        row = session.get(Staff, view.id)
        assert row is not None
        pin_hash = row.pin_hash
    assert pin_hash.startswith("$argon2id$")
    assert "48213377" not in pin_hash
    with sqlite_file(db.path) as raw:
        dumped = "\n".join(raw.iterdump())
    assert "48213377" not in dumped


def test_the_production_hasher_is_argon2id_with_the_library_memory_cost() -> None:
    assert PRODUCTION_HASHER.type is Argon2Type.ID
    assert PRODUCTION_HASHER.memory_cost == PasswordHasher().memory_cost
    assert 1 <= PRODUCTION_HASHER.time_cost <= PasswordHasher().time_cost


def test_the_right_pin_signs_in_as_that_person(db: Database) -> None:
    view = _add(db, "Anna", Role.MANAGER)
    signed = staff.sign_in(db, "anna", "4821")
    assert signed == Actor(staff_id=view.id, name="Anna", role=Role.MANAGER)
    assert staff.sign_in(db, view.id, "4821") == signed
    assert staff.sign_in(db, str(view.id), "4821") == signed
    assert _actions(db)[-1] == "staff.sign_in"


def test_an_unknown_name_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="no staff member called Nobody"):
        staff.sign_in(db, "Nobody", "4821")


def test_a_wrong_pin_says_how_many_tries_are_left_and_is_committed(db: Database) -> None:
    _add(db, "Anna")
    with pytest.raises(BadInput, match=r"Wrong PIN for Anna\. 4 tries left"):
        staff.sign_in(db, "Anna", "1111")
    with pytest.raises(BadInput, match="3 tries left"):
        staff.sign_in(db, "Anna", "1111")
    with db.read() as session:
        row = session.scalars(select(Staff).where(Staff.name == "Anna")).one()
        assert row.failed_pins == 2
    assert _actions(db)[-2:] == ["staff.sign_in_failed", "staff.sign_in_failed"]


def test_the_audit_log_never_holds_the_pin(db: Database) -> None:
    _add(db, "Anna", pin="73917391")
    with pytest.raises(BadInput):
        staff.sign_in(db, "Anna", "55556666")
    staff.sign_in(db, "Anna", "73917391")
    with db.read() as session:
        details = " ".join(session.scalars(select(AuditEntry.details)))
    assert "7391" not in details
    assert "5555" not in details


def test_a_right_pin_resets_the_wrong_pin_count(db: Database) -> None:
    _add(db, "Anna")
    _fail(db, "Anna", 4, T0)
    _at(db, T0)
    staff.sign_in(db, "Anna", "4821")
    with pytest.raises(BadInput, match="4 tries left"):
        _at(db, T0)
        staff.sign_in(db, "Anna", "1111")


def test_five_wrong_pins_in_a_row_lock_the_account_for_five_minutes(db: Database) -> None:
    _add(db, "Anna")
    _fail(db, "Anna", 3, T0)
    with pytest.raises(BadInput, match="1 try left"):
        _at(db, T0)
        staff.sign_in(db, "Anna", "1111")
    with pytest.raises(AccountLocked) as caught:
        _at(db, T0)
        staff.sign_in(db, "Anna", "1111")
    assert str(caught.value) == ("Too many wrong PINs. Anna is locked until 14:05 (5 minutes). "
                                 "Ask a manager if this was not you.")
    (view,) = staff.list_staff(db)
    assert view.locked_until == T0 + timedelta(minutes=staff.LOCK_MINUTES)
    actions = _actions(db)
    assert actions[-2:] == ["staff.sign_in_failed", "staff.locked"]


def test_the_right_pin_is_refused_while_the_account_is_locked(db: Database) -> None:
    _add(db, "Anna")
    _fail(db, "Anna", staff.MAX_WRONG_PINS, T0)
    with pytest.raises(AccountLocked, match=r"locked until 14:05 \(2 minutes\)"):
        _at(db, T0 + timedelta(minutes=3, seconds=30))
        staff.sign_in(db, "Anna", "4821")
    with pytest.raises(AccountLocked, match=r"\(1 minute\)"):
        _at(db, T0 + timedelta(minutes=4, seconds=59))
        staff.sign_in(db, "Anna", "4821")


def test_the_lock_runs_out_after_five_minutes_with_a_fresh_set_of_tries(db: Database) -> None:
    _add(db, "Anna")
    _fail(db, "Anna", staff.MAX_WRONG_PINS, T0)
    later = T0 + timedelta(minutes=5)
    with pytest.raises(BadInput, match="4 tries left"):
        _at(db, later)
        staff.sign_in(db, "Anna", "1111")
    _at(db, later)
    assert staff.sign_in(db, "Anna", "4821").name == "Anna"
    (view,) = staff.list_staff(db)
    assert view.locked_until is None


def test_the_lock_survives_a_restart_on_the_same_file(db: Database) -> None:
    _add(db, "Anna")
    _fail(db, "Anna", staff.MAX_WRONG_PINS, T0)
    db.dispose()
    reopened = Database(db.path, clock=db.clock)
    try:
        with pytest.raises(AccountLocked, match="Anna is locked until 14:05"):
            _at(reopened, T0 + timedelta(minutes=1))
            staff.sign_in(reopened, "Anna", "4821")
    finally:
        reopened.dispose()


def test_the_wrong_pin_count_survives_a_restart_on_the_same_file(db: Database) -> None:
    _add(db, "Anna")
    _fail(db, "Anna", 3, T0)
    db.dispose()
    reopened = Database(db.path, clock=db.clock)
    try:
        with pytest.raises(BadInput, match="1 try left"):
            _at(reopened, T0)
            staff.sign_in(reopened, "Anna", "1111")
    finally:
        reopened.dispose()


def test_the_lock_is_shown_in_the_shops_own_time_zone(db: Database) -> None:
    with db.write() as session:
        session.execute(update(Shop).values(timezone="Europe/Berlin"))
    _add(db, "Anna")
    _fail(db, "Anna", staff.MAX_WRONG_PINS - 1, T0)
    with pytest.raises(AccountLocked, match="locked until 15:05"):
        _at(db, T0)
        staff.sign_in(db, "Anna", "1111")


def test_a_switched_off_account_cannot_sign_in(db: Database) -> None:
    view = _add(db, "Anna")
    staff.deactivate_staff(db, OWNER, view.id)
    with pytest.raises(PermissionDenied, match="Anna's account is switched off"):
        staff.sign_in(db, "Anna", "4821")
    assert _actions(db)[-1] == "staff.sign_in_failed"


def test_a_manager_pin_approves_an_override(db: Database) -> None:
    manager = _add(db, "Maria", Role.MANAGER, pin="9090")
    approver = staff.verify_override(db, "Maria", "9090")
    assert approver == Actor(staff_id=manager.id, name="Maria", role=Role.MANAGER)
    assert _actions(db)[-1] == "staff.override"


def test_a_sales_pin_cannot_approve_an_override(db: Database) -> None:
    _add(db, "Sam", Role.SALES, pin="9090")
    with pytest.raises(PermissionDenied, match=r"Sam \(Sales staff\) may not approve this"):
        staff.verify_override(db, "Sam", "9090")
    assert _actions(db)[-1] == "staff.override_refused"


def test_an_override_can_be_limited_to_some_roles(db: Database) -> None:
    _add(db, "Maria", Role.MANAGER, pin="9090")
    _add(db, "Olga", Role.OWNER, pin="7070")
    owners = frozenset({Role.OWNER})
    with pytest.raises(PermissionDenied, match="Ask one of: Owner"):
        staff.verify_override(db, "Maria", "9090", permission=Permission.DECIDE_CLAIM,
                              allowed_roles=owners)
    assert staff.verify_override(db, "Olga", "7070", allowed_roles=owners).role is Role.OWNER


def test_wrong_override_pins_count_towards_the_same_lock(db: Database) -> None:
    _add(db, "Maria", Role.MANAGER, pin="9090")
    for _ in range(staff.MAX_WRONG_PINS - 1):
        with pytest.raises(BadInput):
            _at(db, T0)
            staff.verify_override(db, "Maria", "1111")
    with pytest.raises(AccountLocked):
        _at(db, T0)
        staff.verify_override(db, "Maria", "1111")
    with pytest.raises(AccountLocked):
        _at(db, T0 + timedelta(minutes=1))
        staff.sign_in(db, "Maria", "9090")


def test_a_manager_can_set_a_new_pin_which_also_lifts_the_lock(db: Database) -> None:
    view = _add(db, "Anna")
    _fail(db, "Anna", staff.MAX_WRONG_PINS, T0)
    staff.set_pin(db, OWNER, view.id, "2468")
    _at(db, T0)
    assert staff.sign_in(db, "Anna", "2468").staff_id == view.id
    with pytest.raises(BadInput, match="Wrong PIN"):
        _at(db, T0)
        staff.sign_in(db, "Anna", "4821")


def test_a_person_can_set_their_own_pin_but_not_someone_elses(db: Database) -> None:
    anna = _add(db, "Anna")
    bob = _add(db, "Bob")
    me = staff.sign_in(db, "Anna", "4821")
    staff.set_pin(db, me, anna.id, "13579")
    assert staff.sign_in(db, "Anna", "13579").name == "Anna"
    with pytest.raises(PermissionDenied):
        staff.set_pin(db, me, bob.id, "13579")
    assert staff.sign_in(db, "Bob", "4821").name == "Bob"


def test_nobody_can_switch_off_their_own_account(db: Database) -> None:
    _add(db, "Olga", Role.OWNER)
    _add(db, "Otto", Role.OWNER)
    me = staff.sign_in(db, "Olga", "4821")
    assert me.staff_id is not None
    with pytest.raises(BadInput, match="your own account"):
        staff.deactivate_staff(db, me, me.staff_id)
    assert all(v.active for v in staff.list_staff(db))


def test_the_last_active_owner_or_admin_cannot_be_switched_off(db: Database) -> None:
    olga = _add(db, "Olga", Role.OWNER)
    with pytest.raises(BadInput, match="last active owner or system admin"):
        staff.deactivate_staff(db, OWNER, olga.id)
    admin = _add(db, "Adam", Role.ADMIN)
    assert staff.deactivate_staff(db, OWNER, olga.id).active is False
    with pytest.raises(BadInput, match="last active owner or system admin"):
        staff.deactivate_staff(db, OWNER, admin.id)


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_owners_and_the_command_line_may_create_staff(
    db: Database, role: Role,
) -> None:
    if role in {Role.ADMIN, Role.OWNER, Role.SYSTEM}:
        view = staff.create_staff(db, actor(role), "Anna", Role.SALES, "4821")
        assert staff.list_staff(db) == (view,)
        with db.read() as session:
            entry = session.scalars(
                select(AuditEntry).where(AuditEntry.action == "staff.create")).one()
            assert json.loads(entry.details) == {"name": "Anna", "role": "sales"}
            assert entry.actor_name == f"Test {role.value}"
    else:
        with pytest.raises(PermissionDenied, match="may not manage staff accounts"):
            staff.create_staff(db, actor(role), "Anna", Role.SALES, "4821")
        assert staff.list_staff(db) == ()


def test_a_switched_off_account_can_be_switched_back_on_with_a_fresh_pin_count(
    db: Database,
) -> None:
    person = _add(db, "Returning Rita")
    staff.deactivate_staff(db, OWNER, person.id)
    with pytest.raises(PermissionDenied):
        staff.sign_in(db, "Returning Rita", "4821")
    view = staff.reactivate_staff(db, OWNER, person.id)
    assert view.active
    assert staff.sign_in(db, "Returning Rita", "4821").name == "Returning Rita"
    assert "staff.reactivate" in _actions(db)


def test_only_staff_managers_may_switch_an_account_back_on(db: Database) -> None:
    person = _add(db, "Returning Rob")
    staff.deactivate_staff(db, OWNER, person.id)
    with pytest.raises(PermissionDenied):
        staff.reactivate_staff(db, actor(Role.MANAGER), person.id)
