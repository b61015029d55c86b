"""Migration 0027: the first-run setup's progress table. A shop from before it, with staff,
counts as set up after the upgrade; a new shop without staff starts the setup."""

from __future__ import annotations

import pytest

from tests.unit.services.helpers import rows
from tests.unit.test_migration_0017 import _to
from warranty_desk.services import first_run, staff
from warranty_desk.storage.database import Database


@pytest.mark.usefixtures("fast_hasher")
def test_a_shop_with_staff_from_before_the_setup_counts_as_set_up_after_the_upgrade(
        db: Database) -> None:
    assert not first_run.progress(db).finished
    _to(db, "0026", down=True)
    assert rows(db, "SELECT name FROM sqlite_master WHERE name = 'first_run'") == []
    staff.create_staff(db, first_run.SETUP_ACTOR, "Olive Owner", staff.Role.OWNER, "7777")
    db.dispose()
    _to(db, "head")
    assert rows(db, "SELECT count(*) FROM first_run") == [(0,)]
    done = first_run.progress(db)
    assert done.finished and done.owner == "Olive Owner"
