"""The OS scheduler files: nightly at 02:00, catching up a missed night, backup then sync.

The systemd units are also checked by `systemd-analyze verify` where it is installed (with
ExecStart pointed at this checkout's warranty-desk, since ~/.local/bin may not hold one).
"""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
SERVICE = PACKAGING / "systemd" / "warranty-desk-sync.service"
TIMER = PACKAGING / "systemd" / "warranty-desk-sync.timer"
TASK = PACKAGING / "windows" / "warranty-desk-sync.xml"
NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(path, encoding="utf-8")
    return parser


def text(root: ET.Element, path: str) -> str:
    found = root.find(path, NS)
    assert found is not None, f"{path} is missing from {TASK.name}"
    return (found.text or "").strip()


def _exec_starts(path: Path) -> list[str]:
    """Every ExecStart line of a unit, in order (configparser keeps only the last)."""
    return [line.split("=", 1)[1].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("ExecStart=")]


def test_the_timer_fires_daily_at_two_and_catches_up_a_missed_night() -> None:
    timer = unit(TIMER)
    assert "02:00" in timer["Timer"]["OnCalendar"]
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == SERVICE.name
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_service_runs_sync_nightly_as_the_user_on_the_default_home() -> None:
    service = unit(SERVICE)["Service"]
    assert service["Type"] == "oneshot"
    # Two ExecStart lines, run in order: the nightly backup (its failure ignored: "-"), then
    # the sync.
    starts = _exec_starts(SERVICE)
    assert [s.lstrip("-") == s for s in starts] == [False, True]
    for line, job in zip(starts, ("backup --nightly", "sync --nightly"), strict=True):
        command = shlex.split(line.lstrip("-"))
        assert command[0].endswith("warranty-desk")
        assert command[1:3] == ["--home", "%h/.local/share/warranty-desk"]
        assert " ".join(command[3:]) == job
    assert "User" not in service  # a user unit: it runs as whoever enables it
    assert "TimeoutStartSec" in service


def test_the_windows_task_runs_daily_at_two_as_the_signed_in_user() -> None:
    root = ET.parse(TASK).getroot()
    assert root.tag == f"{{{NS['t']}}}Task" and root.get("version") in ("1.2", "1.4")
    trigger = "t:Triggers/t:CalendarTrigger"
    assert text(root, f"{trigger}/t:StartBoundary").endswith("T02:00:00")
    assert text(root, f"{trigger}/t:ScheduleByDay/t:DaysInterval") == "1"
    assert text(root, f"{trigger}/t:Enabled") == "true"
    assert text(root, "t:Settings/t:StartWhenAvailable") == "true"
    assert text(root, "t:Principals/t:Principal/t:LogonType") == "InteractiveToken"
    assert text(root, "t:Principals/t:Principal/t:RunLevel") == "LeastPrivilege"
    limit = text(root, "t:Settings/t:ExecutionTimeLimit")
    assert re.fullmatch(r"PT([1-9]\d*H|[1-9]\d*M)", limit), limit
    actions = [(text(e, "t:Command"), text(e, "t:Arguments"))
               for e in root.findall("t:Actions/t:Exec", NS)]
    assert [f"{command} {arguments}" for command, arguments in actions] == [
        "warranty-desk.exe backup --nightly", "warranty-desk.exe sync --nightly"]


def test_systemd_accepts_the_units_where_systemd_analyze_is_installed(tmp_path: Path) -> None:
    # Parsed above in any case; here systemd itself reads them, where it can.
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    # ExecStart must name a real program for verify; this checkout's stands in for ~/.local/bin.
    binary = Path(sys.executable).with_name("warranty-desk")
    binary = binary if binary.exists() else Path(sys.executable)
    service = SERVICE.read_text(encoding="utf-8").replace(
        "%h/.local/bin/warranty-desk", str(binary))
    (tmp_path / SERVICE.name).write_text(service, encoding="utf-8")
    shutil.copyfile(TIMER, tmp_path / TIMER.name)
    done = subprocess.run([analyze, "verify", str(tmp_path / SERVICE.name),
                           str(tmp_path / TIMER.name)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "warranty-desk-sync" not in done.stderr, done.stderr  # no warnings about our units
