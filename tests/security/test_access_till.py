"""Every role against every service below the UI: the permission matrix, the service's own
check and the hand-written table (till_access_table.py) must all say the same."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from tests.conftest import pinned_clock
from tests.security.till_access_table import MAY_CALL, NOT_GATED
from tests.security.till_services import (
    Service,
    first_permission,
    matrix_row,
    public_services,
    roles_in,
    row_for,
)
from warranty_desk.errors import PermissionDenied
from warranty_desk.permissions import MATRIX, Actor, Role
from warranty_desk.services import setup
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

SERVICES = public_services()
TABLE = "tests/security/till_access_table.py"


def _line(name: str) -> str:
    service = SERVICES[name]
    permission = first_permission(service)
    if permission is None:
        return f'NOT_GATED: "{name}": "<why it needs no permission check>",'
    return f'MAY_CALL: "{name}": "{matrix_row(permission)}",  (it checks {permission.name})'


def test_every_public_service_is_in_the_table_or_named_as_needing_no_check() -> None:
    missing = sorted(set(SERVICES) - set(MAY_CALL) - set(NOT_GATED))
    assert not missing, (f"services in neither list of {TABLE}; add:\n  "
                         + "\n  ".join(_line(name) for name in missing))
    gone = sorted((set(MAY_CALL) | set(NOT_GATED)) - set(SERVICES))
    assert not gone, f"{TABLE} lists services that no longer exist; remove: {gone}"
    both = sorted(set(MAY_CALL) & set(NOT_GATED))
    assert not both, f"{TABLE} lists these as checked and as not checked: {both}"


def test_the_hand_written_table_agrees_with_the_permission_matrix() -> None:
    wrong = []
    for name, row in sorted(MAY_CALL.items()):
        permission = first_permission(SERVICES[name])
        if permission is None:
            wrong.append(f'"{name}" checks no permission: give it a `require(actor, ...)` '
                         "first, or move it to NOT_GATED with the reason")
        elif roles_in(row) != MATRIX[permission]:
            wrong.append(f'"{name}": the table says "{row}", the matrix gives '
                         f'"{matrix_row(permission)}" for {permission.name}')
    assert not wrong, f"{TABLE} and warranty_desk/permissions.py disagree:\n  " + \
        "\n  ".join(wrong)


def test_services_the_table_says_need_no_check_take_no_permission() -> None:
    checking = sorted(n for n in NOT_GATED if first_permission(SERVICES[n]) is not None)
    assert not checking, "these check a permission: move them to MAY_CALL: " + \
        ", ".join(_line(n) for n in checking)


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Arguments are made-up names ("NO-SUCH-PATH"): a service allowed to write to the path it
    is given writes here, not into the checkout (one did, and the file was committed)."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """An empty shop: every call below names records that are not there."""
    home = Home(tmp_path_factory.mktemp("access") / "home").ensure()
    database, _ = setup.init(home, clock=pinned_clock())
    yield database
    database.dispose()


def _actor(role: Role) -> Actor:
    if role is Role.SYSTEM:
        return Actor.system()
    return Actor(staff_id=uuid.uuid4(), name=f"Test {role.value}", role=role,
                 supplier="Lumen UK Distribution" if role is Role.SUPPLIER else "")


def _argument(db: Database, name: str) -> Any:
    """A value for a parameter, naming nothing that exists: a refused role must be refused
    before the service looks, and an allowed one is told it is not there."""
    if name == "home":
        return Home(db.path.parent)
    if name == "clock":
        return db.clock
    return f"NO-SUCH-{name.upper()}"


def _call(db: Database, service: Service, actor: Actor) -> None:
    parameters = inspect.signature(service.function).parameters
    arguments = {name: _argument(db, name) for name, p in parameters.items()
                 if p.default is inspect.Parameter.empty and name not in ("uow", "db", "actor")}
    arguments["actor"] = actor
    if service.own_unit:
        result = service.function(db, **arguments)
    elif "uow" in parameters:
        with UnitOfWork.write(db) as uow:
            result = service.function(uow, **arguments)
    else:
        result = service.function(**arguments, **({"db": db} if "db" in parameters else {}))
    if isinstance(result, Iterator):
        list(result)  # a generator checks when it is first read


class _Statements:
    """Counts the SQL statements the database runs."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self._on_execute)
        self._db = db

    def _on_execute(self, *_args: object) -> None:
        self.count += 1

    def close(self) -> None:
        event.remove(self._db.engine, "before_cursor_execute", self._on_execute)


@pytest.mark.parametrize("name", sorted(MAY_CALL))
def test_each_role_is_let_through_or_refused_before_any_read_as_the_table_says(
    shop: Database, name: str, tmp_path: Path
) -> None:
    service = SERVICES[name]
    expected = roles_in(MAY_CALL[name])
    statements = _Statements(shop)
    let_through, wrong = set(), []
    try:
        for role in Role:
            statements.count = 0
            try:
                _call(shop, service, _actor(role))
            except PermissionDenied as refused:
                if role in expected:
                    wrong.append(f"{role.value} was refused: {refused}")
                elif statements.count:
                    wrong.append(f"{role.value} was refused only after {statements.count} SQL "
                                 "statements: check the permission first")
                continue
            except Exception:
                pass
            let_through.add(role)
    finally:
        statements.close()
    assert not wrong and let_through == expected, (
        f"{name}: the table says {row_for(expected)}, the service lets through "
        f"{row_for(frozenset(let_through))}; {'; '.join(wrong)}")
