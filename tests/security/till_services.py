"""Finds every public service of the till and the one permission each checks first."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import warranty_desk.services as services_package
from warranty_desk.permissions import MATRIX, Permission, Role

# The column of each role in the hand-written table: the sign-in letters of README.md's demo
# staff, L for the supplier contact (Lena Lumen) and C for the command line.
LETTERS: dict[Role, str] = {
    Role.SALES: "S", Role.STOREKEEPER: "K", Role.TECHNICIAN: "T", Role.SUPPORT: "U",
    Role.MANAGER: "M", Role.FINANCE: "F", Role.OWNER: "O", Role.ADMIN: "A",
    Role.SUPPLIER: "L", Role.SYSTEM: "C",
}
# Entry points the screens and the command line call: a service opens its own unit of work on
# the database (`db`), runs in the caller's (`uow`), or works on the home folder (`home`). A
# function taking a `session` is a step inside another service's unit (the UI never holds a
# session), so only those of them that take an actor are listed.
ENTRY_PARAMETERS = ("db", "uow", "home")


@dataclass(frozen=True, slots=True)
class Service:
    """One public service function, by its name under warranty_desk.services."""

    name: str  # "module.function"
    function: Callable[..., Any]

    @property
    def takes_actor(self) -> bool:
        return "actor" in inspect.signature(self.function).parameters

    @property
    def own_unit(self) -> bool:
        """Made by `writes`/`reads`: called with the database, it opens its own unit."""
        return hasattr(self.function, "__wrapped__")


def public_services() -> dict[str, Service]:
    """Every public function of warranty_desk.services that takes an actor, or takes the
    database, a unit of work or the home folder first. A `name_in` session form that
    `name = writes(name_in)` wraps is the same service: only `name` is listed."""
    found: dict[str, Service] = {}
    for info in pkgutil.walk_packages(services_package.__path__, "warranty_desk.services."):
        module = importlib.import_module(info.name)
        short = info.name.removeprefix("warranty_desk.services.")
        for attr, value in vars(module).items():
            if attr.startswith("_") or inspect.isclass(value) or not callable(value):
                continue
            if getattr(value, "__module__", None) != module.__name__:
                continue  # imported from elsewhere: listed under its own module
            try:
                parameters = list(inspect.signature(value).parameters)
            except (TypeError, ValueError):
                continue
            if "actor" in parameters or (parameters and parameters[0] in ENTRY_PARAMETERS):
                found[f"{short}.{attr}"] = Service(f"{short}.{attr}", value)
    wrapped = {id(getattr(s.function, "__wrapped__", None)) for s in found.values()}
    return {name: s for name, s in found.items() if id(s.function) not in wrapped}


def first_permission(service: Service) -> Permission | None:
    """The permission of the first `require(actor, ...)` the service reaches, read from its
    source: its own, or that of a helper it hands the actor to (`_owned(session, actor, id)`)."""
    return _first_require(inspect.unwrap(service.function), depth=3)


def _first_require(function: Callable[..., Any], depth: int) -> Permission | None:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    calls = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)),
                   key=lambda node: (node.lineno, node.col_offset))
    for call in calls:
        assert isinstance(call.func, ast.Name)
        if call.func.id == "require" and len(call.args) == 2:
            value = eval(compile(ast.Expression(call.args[1]), "<require>", "eval"),
                         function.__globals__)
            assert isinstance(value, Permission), f"{function.__qualname__} requires {value!r}"
            return value
        helper = function.__globals__.get(call.func.id)
        hands_actor = any(isinstance(a, ast.Name) and a.id == "actor" for a in call.args)
        if depth and hands_actor and inspect.isfunction(helper) \
                and helper.__module__.startswith("warranty_desk."):
            found = _first_require(helper, depth - 1)
            if found is not None:
                return found
    return None


def row_for(roles: frozenset[Role]) -> str:
    """A table row: each role's letter where it may call the service, a dot where not."""
    return " ".join(LETTERS[r] if r in roles else "." for r in Role)


def roles_in(row: str) -> frozenset[Role]:
    """The roles a table row admits."""
    cells = row.split()
    assert len(cells) == len(Role), f"the row {row!r} needs one cell per role: {row_for(set())}"
    for role, cell in zip(Role, cells, strict=True):
        assert cell in (LETTERS[role], "."), f"the row {row!r}: {cell!r} where {role.value}'s " \
                                             f"column takes {LETTERS[role]} or ."
    return frozenset(r for r, cell in zip(Role, cells, strict=True) if cell != ".")


def matrix_row(permission: Permission) -> str:
    """The table row the permission matrix gives a service that checks this permission."""
    return row_for(MATRIX[permission])
