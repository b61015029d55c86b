"""The installers around the bundle: the MSI read back with msitools, the Linux menu entry and
install script, and the Inno Setup script (which only Windows can build)."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.bundle_build import PACKAGING, Built, msi

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
WINDOWS = PACKAGING / "windows"
LINUX = PACKAGING / "linux"
TASK_NAME = "Warranty Desk nightly sync"


def table(package: Path, name: str) -> list[dict[str, str]]:
    """One MSI table as rows of named columns (msiinfo export: names, types, key, rows)."""
    exported = subprocess.run(["msiinfo", "export", str(package), name], capture_output=True,
                              text=True, check=True).stdout.splitlines()
    columns = exported[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in exported[3:]]


@pytest.fixture(scope="module")
def package(built_bundle: Built) -> Path:
    return msi(built_bundle)


def test_the_msi_holds_every_file_of_the_bundle(built_bundle: Built, package: Path,
                                                tmp_path: Path) -> None:
    listed = subprocess.run(["msiextract", "--list", str(package)], capture_output=True,
                            text=True, check=True).stdout.splitlines()
    bundle = sorted(p.relative_to(built_bundle.folder).as_posix()
                    for p in built_bundle.folder.rglob("*") if p.is_file())
    installed = "Programs/Warranty Desk/"  # msiextract writes LocalAppDataFolder as "."
    inside = sorted(line.replace("\\", "/").split(installed, 1)[1] for line in listed
                    if installed in line.replace("\\", "/"))
    # The programs go in as .exe, with the task file beside them; the rest as built.
    expected = sorted([*(name for name in bundle
                         if name not in ("warranty-desk", "warranty-desk-app")),
                       "warranty-desk.exe", "warranty-desk-app.exe", "warranty-desk-sync.xml"])
    assert inside == expected
    subprocess.run(["msiextract", "-C", str(tmp_path), str(package)], check=True,
                   capture_output=True)
    task = next(tmp_path.rglob("warranty-desk-sync.xml"))
    assert task.read_bytes() == (WINDOWS / "warranty-desk-sync.xml").read_bytes()
    migration = next(tmp_path.rglob("0025_*.py"))
    assert "warranty_desk/migrations/versions" in migration.as_posix()


def test_the_msi_installs_per_user_with_start_menu_and_desktop_shortcuts(package: Path) -> None:
    properties = {row["Property"]: row["Value"] for row in table(package, "Property")}
    assert properties["ProductName"] == "Warranty Desk"
    assert properties["MSIINSTALLPERUSER"] == "1" and properties["ALLUSERS"] == "2"
    directories = {row["Directory"]: row for row in table(package, "Directory")}
    assert directories["INSTALLDIR"]["Directory_Parent"] == "ProgramsFolder"
    assert directories["ProgramsFolder"]["Directory_Parent"] == "LocalAppDataFolder"
    shortcuts = {row["Directory_"]: row for row in table(package, "Shortcut")}
    assert set(shortcuts) == {"MenuFolder", "DesktopFolder"}
    assert directories["MenuFolder"]["Directory_Parent"] == "ProgramMenuFolder"
    for shortcut in shortcuts.values():
        assert shortcut["Name"] == "Warranty Desk"
        # The windowed program: no console window behind the counter app.
        assert shortcut["Target"] == "[INSTALLDIR]warranty-desk-app.exe"
        assert shortcut["WkDir"] == "INSTALLDIR" and shortcut["Icon_"] == "WarrantyDeskIcon"
    files = {row["FileName"] for row in table(package, "File")}
    assert {"warranty-desk.exe", "warranty-desk-app.exe", "warranty-desk-sync.xml"} <= files


def test_the_msi_registers_the_nightly_sync_after_the_files_and_removes_it_first(
        package: Path) -> None:
    actions = {row["Action"]: row for row in table(package, "CustomAction")}
    sequence = {row["Action"]: row for row in table(package, "InstallExecuteSequence")}
    register, remove = actions["RegisterNightlySync"], actions["UnregisterNightlySync"]
    # Type 50 (a program named by a property), deferred (1024) and impersonated: it runs as
    # the shop's user; 64 (+ 1024 + 50 = 1138): a failure does not fail the install.
    assert int(register["Type"]) == int(remove["Type"]) == 50 + 64 + 1024
    finder = {actions[name]["Source"]: actions[name]["Target"]
              for name in ("FindPowerShell", "FindSchtasks")}
    assert finder[register["Source"]].endswith("powershell.exe")
    assert finder[remove["Source"]].endswith("schtasks.exe")
    command = register["Target"]
    assert "Register-ScheduledTask" in command and f"'{TASK_NAME}'" in command
    assert "'[INSTALLDIR]warranty-desk-sync.xml'" in command
    assert "<Command>[INSTALLDIR]warranty-desk.exe</Command>" in command
    assert f'/Delete /TN "{TASK_NAME}" /F' == remove["Target"]

    def at(action: str) -> int:
        return int(sequence[action]["Sequence"])

    assert at("InstallInitialize") < at("UnregisterNightlySync") < at("RemoveFiles")
    assert at("InstallFiles") < at("RegisterNightlySync") < at("InstallFinalize")
    assert at("FindPowerShell") < at("InstallInitialize")
    assert at("FindSchtasks") < at("InstallInitialize")
    assert sequence["RegisterNightlySync"]["Condition"] == "NOT REMOVE"
    assert sequence["UnregisterNightlySync"]["Condition"] == 'REMOVE="ALL"'
    # What the task file it registers names is what the custom action rewrites.
    task = (WINDOWS / "warranty-desk-sync.xml").read_text(encoding="utf-8")
    assert "<Command>warranty-desk.exe</Command>" in task


def test_the_desktop_entry_is_valid_and_starts_the_app(tmp_path: Path) -> None:
    entry = LINUX / "warranty-desk.desktop"
    validate = shutil.which("desktop-file-validate")
    if validate is not None:  # Debian's desktop-file-utils (the Makefile installs it)
        done = subprocess.run([validate, str(entry)], capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout == "", done.stdout
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(entry, encoding="utf-8")
    desktop = parser["Desktop Entry"]
    assert (desktop["Type"], desktop["Name"], desktop["Terminal"]) == (
        "Application", "Warranty Desk", "false")
    assert desktop["Exec"] == "warranty-desk"  # no command: the counter app
    assert desktop["Icon"] == "warranty-desk"
    for icon in ("warranty-desk.svg", "warranty-desk.png", "warranty-desk.ico"):
        assert (PACKAGING / "icons" / icon).stat().st_size > 0
    png = (PACKAGING / "icons" / "warranty-desk.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == int.from_bytes(png[20:24], "big") == 256


def test_the_linux_install_script_lays_out_the_bundle_menu_entry_and_icon(
        built_bundle: Built, tmp_path: Path) -> None:
    root = tmp_path / "root"
    done = subprocess.run([str(LINUX / "install.sh"), str(built_bundle.folder)],
                          env={"PATH": "/usr/bin:/bin", "DESTDIR": str(root)},
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    command = root / "usr/local/bin/warranty-desk"
    assert command.is_symlink() and str(command.readlink()) == "/opt/warranty-desk/warranty-desk"
    assert (root / "usr/share/applications/warranty-desk.desktop").is_file()
    assert (root / "usr/share/icons/hicolor/256x256/apps/warranty-desk.png").is_file()
    assert (root / "usr/share/icons/hicolor/scalable/apps/warranty-desk.svg").is_file()
    version = subprocess.run([str(root / "opt/warranty-desk/warranty-desk"), "--version"],
                             env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
                             capture_output=True, text=True, check=False)
    assert version.returncode == 0 and version.stdout.startswith("Warranty Desk ")
    missing = subprocess.run([str(LINUX / "install.sh"), str(tmp_path / "nothing")],
                             env={"PATH": "/usr/bin:/bin", "DESTDIR": str(root)},
                             capture_output=True, text=True, check=False)
    assert missing.returncode == 2 and "run `make package` first" in missing.stderr


def test_the_inno_setup_script_installs_the_same_things_as_the_msi() -> None:
    # Inno Setup runs only on Windows: its script is checked here, not built.
    script = (WINDOWS / "warranty-desk.iss").read_text(encoding="utf-8")
    sections = set(re.findall(r"^\[(\w+)\]", script, flags=re.MULTILINE))
    assert {"Setup", "Files", "Icons", "Run", "UninstallRun"} <= sections
    wxs = (WINDOWS / "warranty-desk.wxs").read_text(encoding="utf-8")
    upgrade_code = re.search(r'UpgradeCode="([0-9A-F-]+)"', wxs)
    assert upgrade_code and f"AppId={{{{{upgrade_code[1]}}}" in script
    assert "PrivilegesRequired=lowest" in script
    assert r"DefaultDirName={localappdata}\Programs\Warranty Desk" in script
    assert r'Source: "..\..\dist\warranty-desk\*"' in script
    assert r'Filename: "{app}\warranty-desk-app.exe"' in script
    assert "Register-ScheduledTask -TaskName 'Warranty Desk nightly sync'" in script
    assert '/Delete /TN ""Warranty Desk nightly sync"" /F' in script


def test_building_the_msi_without_a_bundle_says_to_build_one_first(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(WINDOWS / "build_msi.py"), "--bundle",
                           str(tmp_path / "nothing")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2
    assert done.stderr == (f"build_msi: no bundle in {tmp_path / 'nothing'}; run `make package` "
                           "first.\n")
