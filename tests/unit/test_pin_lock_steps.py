"""Wrong-PIN locks grow each time, then wait for a manager; unlocking is a manager's, audited."""

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
from warranty_desk.permissions import Actor, Role
from warranty_desk.services import staff
from warranty_desk.storage.database import Database

OWNER = actor(Role.OWNER)
T0 = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)


# The cheap argon2id hasher (tests/conftest.py): many sign-ins run quickly.
pytestmark = pytest.mark.usefixtures("fast_hasher")


@pytest.fixture
def anna(db: Database) -> staff.StaffView:
    return staff.create_staff(db, OWNER, "Anna", Role.SALES, "9999")


@pytest.fixture
def maria(db: Database) -> Actor:
    staff.create_staff(db, OWNER, "Maria", Role.MANAGER, "5555")
    return staff.sign_in(db, "Maria", "5555")


def _at(db: Database, when: datetime) -> None:
    assert isinstance(db.clock, FixedClock)
    db.clock.set(when)


def _wrong_pins_checked(db: Database) -> int:
    with db.read() as session:
        details = session.scalars(select(AuditEntry.details).where(
            AuditEntry.action == "staff.sign_in_failed"))
        return sum(json.loads(d).get("reason") == "wrong PIN" for d in details)


def _lock_out(db: Database, when: datetime) -> AccountLocked:
    """Five wrong PINs at `when`; the lock the fifth one brings."""
    _at(db, when)
    with pytest.raises(BadInput, match="Wrong PIN for Anna. 4 tries left before the account is "
                                       r"locked (for \d+ minutes|until a manager unlocks it)\.$"):
        staff.sign_in(db, "Anna", "1234")
    for _ in range(staff.MAX_WRONG_PINS - 2):
        with pytest.raises(BadInput, match="Wrong PIN"):
            staff.sign_in(db, "Anna", "1234")
    with pytest.raises(AccountLocked) as caught:
        staff.sign_in(db, "Anna", "1234")
    return caught.value


def _view(db: Database, name: str = "Anna") -> staff.StaffView:
    return next(v for v in staff.list_staff(db) if v.name == name)


def test_guessing_a_pin_all_day_gets_twenty_tries_then_waits_for_a_manager(
    db: Database, anna: staff.StaffView,
) -> None:
    # Someone tries every 4-digit PIN in turn, each time the lock runs out, for a whole day.
    now, guess = T0, 0
    while now < T0 + timedelta(days=1) and guess < 9999:
        _at(db, now)
        try:
            staff.sign_in(db, "Anna", f"{guess:04d}")
        except BadInput:
            guess += 1
        except AccountLocked:
            view = _view(db)
            if getattr(view, "needs_unlock", False):
                break
            assert view.locked_until is not None
            now = view.locked_until  # back as soon as the lock runs out
        else:
            pytest.fail(f"PIN {guess:04d} signed Anna in")
    # Five tries before each of the three timed locks and before the one that waits.
    assert _wrong_pins_checked(db) == 20
    assert _view(db).needs_unlock


def test_each_lock_in_a_row_lasts_longer_and_the_fourth_waits_for_a_manager(
    db: Database, anna: staff.StaffView,
) -> None:
    first = _lock_out(db, T0)
    assert "locked until 14:05 (5 minutes)" in str(first)
    second = _lock_out(db, T0 + timedelta(minutes=5))
    assert "locked until 14:20 (15 minutes)" in str(second)
    third = _lock_out(db, T0 + timedelta(minutes=20))
    assert "locked until 15:20 (60 minutes)" in str(third)
    _at(db, T0 + timedelta(minutes=80))
    for _ in range(staff.MAX_WRONG_PINS - 2):
        with pytest.raises(BadInput):
            staff.sign_in(db, "Anna", "1234")
    with pytest.raises(BadInput, match="1 try left before the account is locked until a "
                                       "manager unlocks it"):
        staff.sign_in(db, "Anna", "1234")
    with pytest.raises(AccountLocked, match="locked until a manager unlocks the account"):
        staff.sign_in(db, "Anna", "1234")
    # Waiting does not help, nor does the right PIN.
    _at(db, T0 + timedelta(days=30))
    with pytest.raises(AccountLocked, match="until a manager unlocks"):
        staff.sign_in(db, "Anna", "9999")
    view = _view(db)
    assert view.needs_unlock and view.locked(T0 + timedelta(days=30))


def test_a_right_pin_after_a_lock_runs_out_starts_the_steps_afresh(
    db: Database, anna: staff.StaffView,
) -> None:
    _lock_out(db, T0)
    _at(db, T0 + timedelta(minutes=5))
    staff.sign_in(db, "Anna", "9999")
    again = _lock_out(db, T0 + timedelta(minutes=6))
    assert "(5 minutes)" in str(again)


def test_a_manager_unlocks_an_account_and_it_is_audited(
    db: Database, anna: staff.StaffView, maria: Actor,
) -> None:
    for start in (0, 5, 20, 80):
        _lock_out(db, T0 + timedelta(minutes=start))
    assert _view(db).needs_unlock
    unlocked = staff.unlock_staff(db, maria, anna.id)
    assert not unlocked.needs_unlock and unlocked.locked_until is None
    with db.read() as session:
        entry = session.execute(select(
            AuditEntry.action, AuditEntry.actor_name, AuditEntry.actor_id, AuditEntry.details,
        ).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert tuple(entry[:3]) == ("staff.unlock", "Maria", maria.staff_id)
    assert json.loads(entry.details) == {"name": "Anna", "lockouts": 4,
                                         "until": "a manager unlocks it"}
    assert staff.sign_in(db, "Anna", "9999").name == "Anna"
    assert "(5 minutes)" in str(_lock_out(db, T0 + timedelta(hours=3)))


def test_a_timed_lock_can_be_lifted_early_by_a_manager(
    db: Database, anna: staff.StaffView, maria: Actor,
) -> None:
    _lock_out(db, T0)
    staff.unlock_staff(db, maria, "anna")
    assert staff.sign_in(db, "Anna", "9999").name == "Anna"


@pytest.mark.parametrize("role", [Role.SALES, Role.TECHNICIAN, Role.STOREKEEPER, Role.SUPPORT,
                                  Role.FINANCE])
def test_only_managers_owners_and_admins_may_unlock(
    db: Database, anna: staff.StaffView, role: Role,
) -> None:
    _lock_out(db, T0)
    with pytest.raises(PermissionDenied, match="may not unlock accounts locked after wrong "
                                               "PINs"):
        staff.unlock_staff(db, actor(role), anna.id)
    assert _view(db).locked(T0)


def test_unlocking_an_account_that_is_not_locked_says_so(
    db: Database, anna: staff.StaffView, maria: Actor,
) -> None:
    with pytest.raises(BadInput, match="Anna's account is not locked, so there is nothing to "
                                       "unlock"):
        staff.unlock_staff(db, maria, anna.id)


def test_a_new_pin_also_lifts_the_lock_that_waits_for_a_manager(
    db: Database, anna: staff.StaffView,
) -> None:
    for start in (0, 5, 20, 80):
        _lock_out(db, T0 + timedelta(minutes=start))
    staff.set_pin(db, OWNER, anna.id, "24682468")
    assert staff.sign_in(db, "Anna", "24682468").name == "Anna"


def test_staff_unlock_on_the_command_line_asks_the_managers_pin(
    db: Database, anna: staff.StaffView, maria: Actor, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from warranty_desk import cli

    for start in (0, 5, 20, 80):
        _lock_out(db, T0 + timedelta(minutes=start))
    db.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO("5555\n"))
    code = cli.main(["--home", str(db.path.parent), "--today", "2026-11-22", "staff", "unlock",
                     "Anna", "--staff", "Maria"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Anna can sign in again" in out.out
    reopened = Database(db.path, clock=FixedClock.on(T0.date()))
    try:
        assert not _view(reopened).locked(T0)
    finally:
        reopened.dispose()
