"""A service that yields its rows (the warranty register) streams them in a read unit of its
own, holding a connection only while its rows are read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import actor
from tests.unit.services.helpers import sell
from warranty_desk.errors import PermissionDenied
from warranty_desk.permissions import Role
from warranty_desk.services.reports import warranty_register
from warranty_desk.services.unit_of_work import UnitOfWork, reads
from warranty_desk.storage.database import Database

OWNER = actor(Role.OWNER)


def test_the_register_gives_its_connection_back_once_read_or_dropped(shop: Database) -> None:
    codes = sell(shop, "INV-1", serials=("S-1", "S-2", "S-3")).warranty_codes
    pool = shop.engine.pool
    rows = warranty_register(shop, OWNER)
    first = next(rows)
    assert pool.checkedout() == 1  # the unit reading the rows
    assert [first.code, *(row.code for row in rows)] == sorted(codes)
    assert pool.checkedout() == 0
    dropped = warranty_register(shop, OWNER)
    next(dropped)
    del dropped  # a caller stopping early: closing the generator ends the unit
    assert pool.checkedout() == 0


def test_the_register_refuses_a_role_without_reports_and_holds_nothing(shop: Database) -> None:
    with pytest.raises(PermissionDenied):
        list(warranty_register(shop, actor(Role.SALES)))
    assert shop.engine.pool.checkedout() == 0


def test_a_service_that_yields_cannot_be_given_a_unit_that_ends_before_its_rows() -> None:
    def rows_in(uow: UnitOfWork) -> Iterator[int]:
        yield 1

    with pytest.raises(TypeError, match="rows_in yields its rows: wrap it with streams"):
        reads(rows_in)
