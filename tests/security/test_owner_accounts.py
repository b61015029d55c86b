"""A system admin runs the staff accounts but cannot take over the owner's: giving the owner
role, changing an owner's PIN or switching an owner off is an owner's own business."""

from __future__ import annotations

import pytest

from tests.conftest import actor
from warranty_desk.errors import AccountLocked, BadInput, PermissionDenied
from warranty_desk.permissions import Role
from warranty_desk.services import staff
from warranty_desk.storage.database import Database

pytestmark = pytest.mark.usefixtures("fast_hasher")


def test_an_admin_cannot_make_an_owner_or_take_over_an_owners_account(db: Database) -> None:
    olive = staff.create_staff(db, actor(Role.SYSTEM), "Olive", Role.OWNER, "7777")
    staff.create_staff(db, actor(Role.SYSTEM), "Adam", Role.ADMIN, "8888")
    adam = staff.sign_in(db, "Adam", "8888")
    with pytest.raises(PermissionDenied, match="owner"):
        staff.create_staff(db, adam, "Eve", Role.OWNER, "1212")
    with pytest.raises(PermissionDenied, match="owner"):
        staff.set_pin(db, adam, olive.id, "1212")
    with pytest.raises(PermissionDenied, match="owner"):
        staff.deactivate_staff(db, adam, olive.id)
    # Olive's own PIN still signs her in, and nobody new holds her role.
    assert staff.sign_in(db, "Olive", "7777").role is Role.OWNER
    assert [v.name for v in staff.list_staff(db) if v.role is Role.OWNER] == ["Olive"]
    # The admin still runs everyone else's account, and an owner makes another owner.
    sam = staff.create_staff(db, adam, "Sam", Role.SALES, "1111")
    staff.set_pin(db, adam, sam.id, "1313")
    owner = staff.sign_in(db, "Olive", "7777")
    assert staff.create_staff(db, owner, "Otto", Role.OWNER, "7070").role is Role.OWNER


def test_a_manager_unlocks_the_counter_staff_but_not_an_owner_or_admin(db: Database) -> None:
    system = actor(Role.SYSTEM)
    staff.create_staff(db, system, "Maria", Role.MANAGER, "5555")
    for name, role in (("Sam", Role.SALES), ("Olive", Role.OWNER), ("Adam", Role.ADMIN)):
        staff.create_staff(db, system, name, role, "1111")
        for _ in range(staff.MAX_WRONG_PINS):
            with pytest.raises((BadInput, AccountLocked)):
                staff.sign_in(db, name, "0000")
    maria = staff.sign_in(db, "Maria", "5555")
    people = {v.name: v for v in staff.list_staff(db)}
    assert not staff.unlock_staff(db, maria, people["Sam"].id).locked_until
    for name in ("Olive", "Adam"):
        with pytest.raises(PermissionDenied, match=f"may not unlock {name}'s account"):
            staff.unlock_staff(db, maria, people[name].id)
    # Still locked: nothing was changed; an admin lifts it.
    with pytest.raises(AccountLocked):
        staff.sign_in(db, "Olive", "1111")
    adam = people["Adam"]
    staff.unlock_staff(db, system, adam.id)
    admin = staff.sign_in(db, "Adam", "1111")
    staff.unlock_staff(db, admin, people["Olive"].id)
    assert staff.sign_in(db, "Olive", "1111").role is Role.OWNER
