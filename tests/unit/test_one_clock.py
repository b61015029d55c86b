"""Nothing of the product reads the wall clock but the one injected clock (warranty_desk.clock)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("warranty_desk", "ui", "printing", "sync", "portal")

# Every way Python, Qt or Django hands out the current date or time.
WALL_CLOCK = {
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime"),
    ("time", "ctime"), ("time", "asctime"), ("QDate", "currentDate"),
    ("QDateTime", "currentDateTime"), ("QDateTime", "currentDateTimeUtc"),
    ("QDateTime", "currentMSecsSinceEpoch"), ("QDateTime", "currentSecsSinceEpoch"),
    ("QTime", "currentTime"), ("timezone", "now"),
}
# Django's readers of the clock when given no value (with one they only convert it).
WALL_CLOCK_BARE = {("timezone", "localdate"), ("timezone", "localtime"),
                   ("timesince", "timesince"), ("timesince", "timeuntil")}
# Django's "time since" measures up to now unless it is handed `now` (its second argument).
SINCE = {"timesince", "timeuntil"}

# The one clock itself. (Row keys, UUIDv7 from warranty_desk.ids.uuid7/uuid7_bytes, take their
# time bits from the machine's clock inside uuid-utils: they only order an index and nothing
# compares them as dates. Event ids are compared: see the rule on machine-clock ids below.)
ALLOWED = {"warranty_desk/clock.py"}

# Machine-clock UUIDv7 makers. A blanket ban would be wrong: row keys may use them. Event ids
# may not: head office refuses an event whose id is dated more than a year past its own clock
# (portal/receiver/events.py id_problem), so with the machine clock a year ahead every push
# would be refused. Event ids come from the Database's IdMaker, dated by the injected clock.
MACHINE_IDS = {"uuid7", "uuid7_bytes"}
# Only warranty_desk/ids.py may call uuid-utils: every other machine-clock id goes through
# ids.uuid7/uuid7_bytes, whose names the rule below can see.
UUID_UTILS_HOME = "warranty_desk/ids.py"
# What takes an outbox event id: the bulk row builder's first argument, the ORM model's `id`.
EVENT_ID_TAKERS = {"bulk_row": 0, "outbox_row": 1}
EVENT_MODELS = {"OutboxEvent": "id", "BranchEpoch": "epoch"}


def _modules() -> list[Path]:
    found: list[Path] = []
    for package in PACKAGES:
        folder = ROOT / package
        if folder.is_dir():
            found += [p for p in sorted(folder.rglob("*.py")) if "migrations" not in p.parts]
    return found


def _dotted(node: ast.expr) -> list[str]:
    """a.b.c as ["a", "b", "c"]; [] when the chain does not start at a plain name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    return [node.id, *parts] if isinstance(node, ast.Name) else []


def _given_a_value(call: ast.Call) -> bool:
    name = _dotted(call.func)
    if name and name[-1] in SINCE:  # timesince(d, now) / timesince(d, now=...)
        return len(call.args) >= 2 or any(k.arg == "now" for k in call.keywords)
    return bool(call.args) or any(k.arg == "value" for k in call.keywords)


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    """Line and text of every reference to a wall-clock reader (called or passed along)."""
    tree = ast.parse(source)
    converting = {id(node.func) for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and _given_a_value(node)}
    since_names: set[str] = set()
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (name := _dotted(node)):
            pair = (name[-2], name[-1])
            if pair in WALL_CLOCK or (pair in WALL_CLOCK_BARE and id(node) not in converting):
                reads.append((node.lineno, ".".join(name)))
        elif isinstance(node, ast.ImportFrom) and node.module:
            module = node.module.rsplit(".", 1)[-1]
            for alias in node.names:
                if (module, alias.name) in WALL_CLOCK or (
                        (module, alias.name) in WALL_CLOCK_BARE and alias.name not in SINCE):
                    reads.append((node.lineno, f"from {node.module} import {alias.name}"))
                elif alias.name in SINCE:
                    since_names.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in since_names and not _given_a_value(node)):
            reads.append((node.lineno, f"{node.func.id}() without now"))
    return sorted(reads)


def test_the_guard_finds_each_way_of_reading_the_clock() -> None:
    source = ("import time\nfrom datetime import date, datetime\nfrom time import time_ns\n"
              "a = datetime.now()\nb = date.today()\nc = time.time\nd = QDate.currentDate()\n"
              "e = time.monotonic()\n")
    assert [text for _, text in wall_clock_reads(source)] == [
        "from time import time_ns", "datetime.now", "date.today", "time.time",
        "QDate.currentDate"]


def test_the_guard_finds_djangos_clock_readers_but_not_its_conversions() -> None:
    source = ("import django.utils.timezone\nfrom django.utils import timezone\n"
              "from django.utils.timezone import now\nfrom django.utils.timesince import "
              "timesince\n"
              "a = models.DateTimeField(default=timezone.now)\nb = django.utils.timezone.now()\n"
              "c = timezone.localdate()\nd = timezone.localtime(moment)\n"
              "e = timesince(moment)\nf = timesince(moment, clock.now())\n"
              "g = datetime.datetime.now()\nh = timezone.localdate(value=moment)\n")
    assert [text for _, text in wall_clock_reads(source)] == [
        "from django.utils.timezone import now", "timezone.now", "django.utils.timezone.now",
        "timezone.localdate", "timesince() without now", "datetime.datetime.now"]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_reads_the_wall_clock_but_the_clock(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    reads = [] if relative in ALLOWED else wall_clock_reads(path.read_text(encoding="utf-8"))
    assert reads == [], (
        f"{relative} reads the wall clock at {reads}: take `now` from the database's clock "
        "(db.clock, shop_time.shop_today), the portal's from portal.clock, or have the "
        "composition root pass a Clock in.")


def _names_in(node: ast.AST) -> set[str]:
    """Every plain name and attribute name an expression mentions."""
    found: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name):
            found.add(inner.id)
        elif isinstance(inner, ast.Attribute):
            found.add(inner.attr)
    return found


def _machine_aliases(tree: ast.AST) -> set[str]:
    """MACHINE_IDS and the names bound to one of them (`new_key = uuid7_bytes`, also inside
    a tuple assignment), so an id made through an alias is still seen."""
    makers = set(MACHINE_IDS)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs: list[tuple[ast.expr, ast.expr]] = [(target, node.value)]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts, strict=False))
            for name, value in pairs:
                if (isinstance(name, ast.Name) and isinstance(value, ast.Name | ast.Attribute)
                        and _names_in(value) & MACHINE_IDS):
                    makers.add(name.id)
    return makers


def machine_clock_event_ids(source: str) -> list[tuple[int, str]]:
    """Line and text of every outbox event id made from the machine's clock, and of every use
    of uuid-utils (which would make ids this rule cannot see)."""
    tree = ast.parse(source)
    makers = _machine_aliases(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [
                alias.name for alias in node.names]
            if any(module.split(".")[0] == "uuid_utils" for module in modules):
                found.append((node.lineno, "import of uuid_utils"))
        if not isinstance(node, ast.Call) or not (name := _dotted(node.func)):
            continue
        given: list[ast.expr] = []
        position = EVENT_ID_TAKERS.get(name[-1])
        if position is not None and len(node.args) > position:
            given.append(node.args[position])
        given += [k.value for k in node.keywords if k.arg == EVENT_MODELS.get(name[-1])]
        for value in given:
            if _names_in(value) & makers:
                found.append((node.lineno, f"{name[-1]}() given a machine-clock id"))
    return sorted(found)


def test_the_guard_finds_event_ids_from_the_machine_clock_but_not_row_keys() -> None:
    source = ("import uuid_utils\nfrom warranty_desk.ids import uuid7, uuid7_bytes\n"
              "a = bulk_row(uuid7().bytes, at, topic, aggregate, key, payload)\n"
              "b = outbox.bulk_row(uuid7_bytes(), at, topic, aggregate, key, payload)\n"
              "plan, new_key = self._plan, uuid7_bytes\n"
              "c = outbox.bulk_row(new_key(), at, topic, aggregate, key, payload)\n"
              "d = OutboxEvent(id=uuid7(), topic=topic)\n"
              "e = outbox_row(ids, topic, aggregate, key, payload, at)\n"
              "f = bulk_row(ids.bytes_at(now), at, topic, aggregate, key, payload)\n"
              "g = Sale(id=uuid7())\nh = (new_key(), code, line_id)\n"
              "i = BranchEpoch(epoch=uuid_utils.uuid7(), reason=why)\n")
    assert machine_clock_event_ids(source) == [
        (1, "import of uuid_utils"), (3, "bulk_row() given a machine-clock id"),
        (4, "bulk_row() given a machine-clock id"), (6, "bulk_row() given a machine-clock id"),
        (7, "OutboxEvent() given a machine-clock id"),
        (12, "BranchEpoch() given a machine-clock id")]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_event_id_is_made_from_the_machine_clock(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    made = [] if relative == UUID_UTILS_HOME else machine_clock_event_ids(
        path.read_text(encoding="utf-8"))
    assert made == [], (
        f"{relative} makes an outbox event id from the machine's clock at {made}: head office "
        "refuses one dated far ahead of its clock. Take it from the database's IdMaker "
        "(database_of(session).ids, or leave OutboxEvent.id to its column default).")


def test_event_ids_left_to_the_models_come_from_the_databases_id_maker() -> None:
    from warranty_desk.models import BranchEpoch, OutboxEvent
    from warranty_desk.models.base import column_event_id

    for column in (OutboxEvent.__table__.c.id, BranchEpoch.__table__.c.epoch):
        assert column.default is not None and column.default.arg is column_event_id
