"""What the app's start reads through the driver equals what the ORM reads, and loads nothing."""

from __future__ import annotations

from tests.conftest import actor
from warranty_desk.clock import FixedClock
from warranty_desk.permissions import Role
from warranty_desk.services import first_run, shop_open, staff
from warranty_desk.services.first_run_progress import Progress, progress, progress_in
from warranty_desk.services.staff_names import sign_in_names
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

OWNER = actor(Role.OWNER)


def _unloaded(db: Database) -> Database:
    """The same file as a Database whose engine is not built yet, as at the app's start."""
    return Database(db.path, clock=db.clock)


def _both(db: Database) -> tuple[Progress, Progress]:
    fresh = _unloaded(db)
    on_driver = progress(fresh)
    assert not fresh.loaded  # read without building the engine
    with UnitOfWork.read(db) as uow:
        return on_driver, progress_in(uow)


def test_the_setup_progress_reads_the_same_on_the_driver_as_in_a_session(db: Database) -> None:
    driver, session = _both(db)  # a new shop: no staff, no setup row
    assert driver == session and (session.step, session.finished) == ("shop", False)
    first_run.keep_draft(db, "owner", {"name": "Ольга Владелец", "pin": "2468"})
    driver, session = _both(db)
    assert driver == session
    assert session.drafts == {"owner": {"name": "Ольга Владелец"}}  # never the PIN
    first_run.save_owner(db, "Ольга Владелец", "2468", "2468")
    driver, session = _both(db)
    assert driver == session and session.owner == "Ольга Владелец"


def test_a_shop_with_staff_and_no_setup_row_counts_as_set_up_on_the_driver(
        db: Database, fast_hasher: None) -> None:
    staff.create_staff(db, OWNER, "Olive", Role.OWNER, "7777")
    driver, session = _both(db)
    assert driver == session and session.finished and session.owner == "Olive"


def test_the_sign_in_list_is_everyone_active_in_the_staff_lists_order(
        db: Database, fast_hasher: None) -> None:
    for name in ("bea", "Anna", "Zed", "Ämy"):
        staff.create_staff(db, OWNER, name, Role.SALES, "4821")
    gone = staff.create_staff(db, OWNER, "Carl", Role.SALES, "4821")
    staff.deactivate_staff(db, OWNER, gone.id)
    fresh = _unloaded(db)
    listed = [(p.id, p.name, p.role) for p in sign_in_names(fresh)]
    assert not fresh.loaded
    assert listed == [(v.id, v.name, v.role) for v in staff.list_staff(db) if v.active]
    assert "Carl" not in [name for _id, name, _role in listed]


def test_a_current_shop_opens_on_the_driver_and_a_new_one_is_left_to_setup(
        db: Database, home: Home, clock: FixedClock) -> None:
    opened = shop_open.open_ready(home, clock)
    assert opened is not None
    fresh, row = opened
    assert (row.name, row.branch_code, fresh.loaded) == ("My Shop", "BR01", False)
    assert shop_open.open_ready(Home(home.root / "elsewhere"), clock) is None
