"""A shop whose owners and admins are all locked out gets back in at the till's own machine."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import actor
from warranty_desk.clock import FixedClock
from warranty_desk.errors import AccountLocked, BadInput, PermissionDenied
from warranty_desk.models import AuditEntry
from warranty_desk.permissions import Role
from warranty_desk.services import staff
from warranty_desk.storage.database import Database

SETUP = actor(Role.OWNER)
T0 = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
# Markup, quotes and a non-Latin name: the messages name people as plain text.
OWNER = "Ольга <b>O'Neil</b> \u201cthe boss\u201d"

pytestmark = pytest.mark.usefixtures("fast_hasher")


def _locked_for_good(db: Database, name: str) -> str:
    """Five wrong PINs at each of the four steps: the account waits for someone to unlock it."""
    assert isinstance(db.clock, FixedClock)
    message = ""
    for minutes in (0, 5, 20, 80):
        db.clock.set(T0 + timedelta(minutes=minutes))
        for _ in range(staff.MAX_WRONG_PINS):
            try:
                staff.sign_in(db, name, "00000000")
            except (BadInput, AccountLocked) as exc:
                message = str(exc)
    return message


def _last_audit(db: Database) -> tuple[str, str, str]:
    with db.read() as session:
        row = session.execute(select(AuditEntry.action, AuditEntry.actor_name,
                                     AuditEntry.details).order_by(AuditEntry.seq.desc())
                              .limit(1)).one()
    return row.action, row.actor_name, row.details


def test_the_only_owner_locked_for_good_is_told_the_way_back_and_takes_it(db: Database) -> None:
    staff.create_staff(db, SETUP, OWNER, Role.OWNER, "24681357")
    staff.create_staff(db, SETUP, "Maria", Role.MANAGER, "5555")
    message = _locked_for_good(db, OWNER)
    assert "another owner or admin unlocks the account" in message
    assert f'warranty-desk staff unlock "{OWNER}"' in message
    # A manager may not lift an owner's lock, so without this the shop had no way back.
    with pytest.raises(PermissionDenied):
        staff.unlock_staff(db, staff.sign_in(db, "Maria", "5555"), OWNER)
    view = staff.unlock_at_the_machine(db, OWNER)
    assert not view.needs_unlock and view.locked_until is None
    action, who, details = _last_audit(db)
    assert (action, who) == ("staff.unlock", staff.AT_THE_MACHINE)
    assert json.loads(details)["name"] == OWNER
    assert staff.sign_in(db, OWNER, "24681357").name == OWNER


def test_another_owner_who_can_sign_in_is_named_and_nothing_changes(db: Database) -> None:
    staff.create_staff(db, SETUP, OWNER, Role.OWNER, "24681357")
    staff.create_staff(db, SETUP, "Zoe Admin", Role.ADMIN, "97531864")
    _locked_for_good(db, OWNER)
    with pytest.raises(PermissionDenied, match="Zoe Admin \\(System admin\\) can sign in and "
                                               "unlock"):
        staff.unlock_at_the_machine(db, OWNER)
    assert next(v for v in staff.list_staff(db) if v.name == OWNER).needs_unlock
    # Once the admin is locked out too, the machine is the way back for either of them.
    _locked_for_good(db, "Zoe Admin")
    assert not staff.unlock_at_the_machine(db, "Zoe Admin").needs_unlock


def test_counter_staff_are_still_unlocked_by_a_manager_not_the_machine(db: Database) -> None:
    staff.create_staff(db, SETUP, "Sam Sales", Role.SALES, "1111")
    _locked_for_good(db, "Sam Sales")
    with pytest.raises(PermissionDenied, match="is unlocked by a manager, owner or admin"):
        staff.unlock_at_the_machine(db, "Sam Sales")


def test_the_command_without_staff_unlocks_the_last_owner(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from warranty_desk import cli

    staff.create_staff(db, SETUP, OWNER, Role.OWNER, "24681357")
    _locked_for_good(db, OWNER)
    db.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no PIN is asked for
    code = cli.main(["--home", str(db.path.parent), "--today", "2026-11-22", "staff", "unlock",
                     OWNER])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert f"{OWNER} can sign in again" in out.out
    again = Database(db.path, clock=FixedClock.on(T0.date()))
    try:
        assert staff.sign_in(again, OWNER, "24681357").name == OWNER
    finally:
        again.dispose()
