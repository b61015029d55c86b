"""Nothing of the product reads the wall clock but the one injected clock (warranty_desk.clock)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("warranty_desk", "ui", "printing", "sync", "portal")

# Every way Python or Qt hands out the current date or time.
WALL_CLOCK = {
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime"),
    ("time", "ctime"), ("time", "asctime"), ("QDate", "currentDate"),
    ("QDateTime", "currentDateTime"), ("QDateTime", "currentDateTimeUtc"),
    ("QDateTime", "currentMSecsSinceEpoch"), ("QDateTime", "currentSecsSinceEpoch"),
    ("QTime", "currentTime"),
}

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


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    """Line and text of every reference to a wall-clock reader (called or passed along)."""
    reads = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in WALL_CLOCK:
                reads.append((node.lineno, f"{node.value.id}.{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module in ("time", "datetime"):
            for alias in node.names:
                if (node.module, alias.name) in WALL_CLOCK:
                    reads.append((node.lineno, f"from {node.module} import {alias.name}"))
    return sorted(reads)


def test_the_guard_finds_each_way_of_reading_the_clock() -> None:
    source = ("import time\nfrom datetime import date, datetime\nfrom time import time_ns\n"
              "a = datetime.now()\nb = date.today()\nc = time.time\nd = QDate.currentDate()\n"
              "e = time.monotonic()\n")
    assert [text for _, text in wall_clock_reads(source)] == [
        "from time import time_ns", "datetime.now", "date.today", "time.time",
        "QDate.currentDate"]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_reads_the_wall_clock_but_the_clock(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    reads = [] if relative in ALLOWED else wall_clock_reads(path.read_text(encoding="utf-8"))
    assert reads == [], (
        f"{relative} reads the wall clock at {reads}: take `now` from the database's clock "
        "(db.clock, shop_time.shop_today) or have the composition root pass a Clock in.")
