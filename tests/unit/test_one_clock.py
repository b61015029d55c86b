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

# The one clock itself. (UUIDv7 keys take their time bits from the machine's clock inside
# uuid-utils, even when a test pins "now": they order keys and are never compared as dates.)
ALLOWED = {"warranty_desk/clock.py"}


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
