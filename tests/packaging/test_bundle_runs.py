"""The one-folder bundle as a shop runs it: no Python, no checkout, a fresh home folder.

The bundle is built once per source state (bundle_build.py); the first run on a clean
checkout spends a few minutes on it, within these tests' raised timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from tests.packaging.bundle_build import Built
from tests.printing.escpos_decoder import PAPER_DOTS, decode
from tests.printing.escpos_image import save, zbar
from tests.printing.pdf_tools import decode as pdf_codes
from tests.printing.pdf_tools import render, text
from warranty_desk.about import app_version
from warranty_desk.storage.schema import HEAD

# A build on a busy machine takes minutes; the default five would cut it off.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
TODAY = "2026-11-22"


def bare_env(home: Path, **extra: str) -> dict[str, str]:
    """What a shop's till has: no Python on the path, no PYTHONPATH, no virtualenv."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def run(built: Built, home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(built.program), *args], env=bare_env(home, **extra), cwd=home,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_bundle_starts_the_counter_app_on_a_fresh_home_and_exits_cleanly(
        built_bundle: Built, tmp_path: Path) -> None:
    # The app's startup probe (ui/app.py) prints when the first window and then the main
    # window with the counter are on screen, then quits the way closing the window does.
    done = run(built_bundle, tmp_path, QT_QPA_PLATFORM="offscreen",
               WARRANTY_DESK_STARTUP_PROBE="1")
    assert (done.returncode, done.stdout.split()) == (0, ["first-window", "ready"]), done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    # The default home folder, made on this first start, migrated to this build's schema.
    version = run(built_bundle, tmp_path, "--version")
    home = tmp_path / ".local" / "share" / "warranty-desk"
    assert f"Database schema: {HEAD}" in version.stdout, version.stdout
    assert f"Home folder: {home}" in version.stdout
    assert (home / "warranty-desk.sqlite3").is_file()


def test_the_bundle_starts_on_an_x_screen_with_its_own_xcb_plugin(
        built_bundle: Built, tmp_path: Path) -> None:
    # Offscreen above loads none of the X11 glue a counter PC's desktop needs; a virtual X
    # screen does (xvfb-run adds DISPLAY and XAUTHORITY to the bare environment).
    assert shutil.which("xvfb-run"), "xvfb-run is missing: the Makefile installs xvfb"
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1366x768x24",
                           str(built_bundle.program)],
                          env=bare_env(tmp_path, WARRANTY_DESK_STARTUP_PROBE="1"), cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout.split()) == (0, ["first-window", "ready"]), done.stderr
    assert "Traceback" not in done.stderr and "plugin" not in done.stderr, done.stderr


def test_version_names_the_package_version_and_schema_and_creates_nothing(
        built_bundle: Built, tmp_path: Path) -> None:
    done = run(built_bundle, tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # The version comes from the packed distribution metadata, not a pyproject.toml beside it.
    assert lines[0] == f"Warranty Desk {app_version()}" and "unknown" not in lines[0]
    assert lines[1] == f"Schema this build expects: {HEAD}"
    assert list(tmp_path.iterdir()) == []


def test_init_demo_lookup_and_print_slip_run_from_the_bundle(
        built_bundle: Built, tmp_path: Path) -> None:
    shop = tmp_path / "shop"
    init = run(built_bundle, tmp_path, "--home", str(shop), "--today", TODAY, "init", "--demo")
    assert init.returncode == 0, init.stderr
    assert "Sam Sales" in init.stdout and "1111" in init.stdout
    listed = run(built_bundle, tmp_path, "--home", str(shop), "--today", TODAY, "report",
                 "warranties", "--json")
    assert listed.returncode == 0, listed.stderr
    warranty = next(row for row in json.loads(listed.stdout)["warranties"]
                    if row["status"] == "in_cover" and row["serial"])
    lookup = run(built_bundle, tmp_path, "--home", str(shop), "--today", TODAY, "lookup",
                 warranty["serial"])
    assert lookup.returncode == 0, lookup.stderr
    assert lookup.stdout.startswith("IN COVER") and warranty["code"] in lookup.stdout
    # A GS1 label as a scanner reads it: biip and its GS1 tables are in the bundle.
    with closing(sqlite3.connect(shop / "warranty-desk.sqlite3")) as db:
        (gtin,) = db.execute("SELECT p.gtin FROM warranties w JOIN products p ON "
                             "p.id = w.product_id WHERE w.code = ?", (warranty["code"],)).fetchone()
    scanned = run(built_bundle, tmp_path, "--home", str(shop), "--today", TODAY, "lookup",
                  f"(01){gtin}(21){warranty['serial']}")
    assert scanned.returncode == 0, scanned.stderr
    assert scanned.stdout == lookup.stdout

    slip = tmp_path / "slip.bin"
    printed = run(built_bundle, tmp_path, "--home", str(shop), "--today", TODAY, "print", "slip",
                  warranty["code"], "--to", str(slip))
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == f"Saved the warranty slip for {warranty['code']} to {slip}.\n"
    # The receipt as the printer puts it on paper, scanned back: its barcode is the code.
    paper = save(decode(slip.read_bytes()), PAPER_DOTS[80], tmp_path / "slip.png")
    assert warranty["code"] in zbar(paper)

    # The PDF side (reportlab, the fonts packed in the bundle): the certificate renders with
    # poppler and its barcode reads back.
    certificate = tmp_path / "certificate.pdf"
    printed = run(built_bundle, tmp_path, "--home", str(shop), "--today", TODAY, "print",
                  "certificate", warranty["code"], "--to", str(certificate))
    assert printed.returncode == 0, printed.stderr
    pdf = certificate.read_bytes()
    assert warranty["code"] in text(pdf)
    fonts = subprocess.run(["pdffonts", str(certificate)], capture_output=True, text=True,
                           check=True).stdout
    assert "DejaVuSans" in fonts  # the bundle's own copy: not Helvetica's cp1252
    assert warranty["code"] in pdf_codes(render(pdf, "bundle-certificate")[0])


def test_the_bundle_leaves_out_the_qt_parts_the_app_does_not_use(built_bundle: Built) -> None:
    names = [p.relative_to(built_bundle.folder).as_posix()
             for p in built_bundle.folder.rglob("*")]
    for unused in ("Qml", "Quick", "VirtualKeyboard", "virtualkeyboard", "WebEngine", "Qt3D",
                   "Multimedia", "libqgtk3", "libgtk-3", "/translations/", "psycopg"):
        assert not [n for n in names if unused in n], unused
    # What it does use is there: the screens it draws on, SVG icons, printing, PDF view.
    for needed in ("plugins/platforms/libqxcb.so", "plugins/platforms/libqoffscreen.so",
                   "plugins/imageformats/libqsvg.so", "libQt6PrintSupport", "libQt6Pdf",
                   "warranty_desk/migrations/versions/", "warranty_desk/_resources/fonts/"):
        assert [n for n in names if needed in n], needed
    assert os.access(built_bundle.folder / "warranty-desk-app", os.X_OK)
