"""Random byte damage to a copy of a shop's database is found at start: the app and the commands
refuse to write to it, say so in plain words, offer the last good backup, and never crash."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import actor, sqlite_file, stand_at
from tests.processes import CHECKOUT, checkout_env
from tests.reliability.damage import damaged_copy
from tests.reliability.disk import integrity
from tests.reliability.figures import report, seed_from
from tests.soak import rounds
from warranty_desk.permissions import Role
from warranty_desk.services import backup, claims
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage import soundness
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

OWNER, SALES = actor(Role.OWNER), actor(Role.SALES)
SEED_ENV = "WARRANTY_DESK_DAMAGE_SEED"
# What integrity_check and foreign_key_check find that quick_check leaves out by design: records
# whose values are wrong (an index out of step with its table, a NULL where none may be, a
# reference to nothing) while every page holding them is sound.
RECORDS_ONLY = ("row ", "wrong # of entries in index", "non-unique entry in index",
                "NULL value in", "CHECK constraint failed", "foreign key:")


def _sell(db: Database, invoice: str, units: int) -> None:
    serials = tuple(f"{invoice}-{n:04d}" for n in range(units))
    sale = record_sale(db, SALES, SaleInput(
        invoice, date(2026, 11, 1), (LineInput("PHN-200", units, 49_900, serials, None),),
        CustomerInput("Grace Hopper", phone="+44 20 7946 0001")))
    for code in sale.warranty_codes[:20]:
        claims.start_claim(db, SALES, claims.StartClaim(code, "Will not charge"))


@pytest.fixture
def kept(shop: Database, home: Home) -> Path:
    """A shop of a few hundred warranties and claims with two backups in its backups folder:
    the older one good, the newer one damaged since; the good one's path."""
    folder = backup.backups_folder(home)
    folder.mkdir(mode=0o700)
    _sell(shop, "INV-A", 200)
    stand_at(shop, datetime(2026, 11, 22, 9, tzinfo=UTC))
    good = backup.backup(shop, OWNER, folder / "monday.sqlite3").path
    _sell(shop, "INV-B", 200)
    stand_at(shop, datetime(2026, 11, 22, 10, tzinfo=UTC))
    newer = backup.backup(shop, OWNER, folder / "tuesday.sqlite3").path
    with newer.open("r+b") as handle:  # the newer backup rotted on its disk
        handle.seek(newer.stat().st_size // 2)
        handle.write(b"\xff" * 64)
    _sell(shop, "INV-C", 100)
    shop.dispose()
    return good


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _integrity_problems(path: Path) -> list[str] | None:
    """What the full integrity_check finds; None when it stops at a record it cannot read (a
    damaged record in a sound page: it reads every record to compare it with its indexes,
    where quick_check only walks the pages)."""
    try:
        return integrity(path)
    except (sqlite3.DatabaseError, UnicodeDecodeError):  # SQLite's words quote a damaged name
        return None


@pytest.mark.soak
def test_random_damage_is_found_by_the_start_check(
    shop: Database, kept: Path, tmp_path: Path,
) -> None:
    rng = random.Random(seed_from(SEED_ENV))
    tamperings = rounds(60)
    detected = records_only = content_only = 0
    for n in range(tamperings):
        copy = tmp_path / f"copy-{n}.sqlite3"
        what = damaged_copy(shop.path, copy, rng)
        found = soundness.problem(copy)
        deep = _integrity_problems(copy)
        if found is not None:
            detected += 1
        elif deep is not None and any(not p.startswith(RECORDS_ONLY) for p in deep):
            pytest.fail(f"{what}: the start check passed a file integrity_check refuses: {deep}")
        elif deep is None or deep:
            records_only += 1
        else:
            content_only += 1
        copy.unlink()
    report(f"tamperings detected at start: {detected} of {tamperings}; {records_only} more only "
          "integrity_check or foreign_key_check find (records out of step, pages sound); "
          f"{content_only} changed only what records say, which no check of the file's "
          "structure can see")
    assert detected >= tamperings // 2


# Header bytes every reader relies on: the magic, page size, versions, fixed fractions, the
# stated page count, schema format and text encoding.
HEADER_SPOTS = (0, 6, 15, 16, 17, 18, 19, 21, 22, 23, 28, 29, 30, 31, 47, 59)


@pytest.mark.parametrize("cut", [4096, 1])
def test_a_changed_header_byte_or_a_file_cut_short_is_always_found(
    shop: Database, tmp_path: Path, cut: int,
) -> None:
    shop.dispose()
    copy = tmp_path / "copy.sqlite3"
    for at in HEADER_SPOTS:
        shutil.copyfile(shop.path, copy)
        with copy.open("r+b") as handle:
            handle.seek(at)
            byte = handle.read(1)[0]
            handle.seek(at)
            handle.write(bytes([byte ^ 0xFF]))
        assert soundness.problem(copy, full=False) is not None, f"header byte {at}"
    shutil.copyfile(shop.path, copy)
    with copy.open("r+b") as handle:
        handle.truncate(copy.stat().st_size - cut)
    assert soundness.problem(copy, full=False) is not None


def _home_copy(home: Home, tmp_path: Path, name: str) -> Home:
    """The whole home folder copied (database and backups), its database not yet damaged."""
    target = Home(tmp_path / name)
    shutil.copytree(home.root, target.root)
    return target


def _cli(home: Home, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "warranty_desk", "--home", str(home.root),
                           "--today", "2026-11-22", *args], capture_output=True, text=True,
                          cwd=CHECKOUT, env=checkout_env(), timeout=60, check=False)


@pytest.mark.soak
@pytest.mark.slow
@pytest.mark.timeout(rounds(300))  # each round starts the command line: seconds on a busy machine
def test_the_commands_refuse_a_damaged_file_offer_the_good_backup_and_never_crash(
    shop: Database, home: Home, kept: Path, tmp_path: Path,
) -> None:
    rng = random.Random(seed_from(SEED_ENV))
    refused = 0
    for n in range(rounds(4)):
        copy = _home_copy(home, tmp_path, f"home-{n}")
        what = damaged_copy(home.database, copy.database, rng)
        before = _sha(copy.database)
        run = _cli(copy, "lookup", "INV-C-0001")
        assert "Traceback" not in run.stderr + run.stdout, what
        if soundness.problem(copy.database) is None:
            continue  # damage no check sees: the command ran on what the file says
        refused += 1
        assert run.returncode == 1, (what, run.stderr)
        said = run.stderr
        assert "database" in said and "is damaged" in said and "will not write" in said
        assert f"The last good backup is {copy.root / 'backups' / kept.name}" in said, said
        assert _sha(copy.database) == before, f"{what}: the damaged file was written to"
    report(f"commands refused {refused} damaged files without a traceback")


def _zero_page(path: Path, page: int) -> None:
    with path.open("r+b") as handle:
        handle.seek((page - 1) * 4096)
        handle.write(bytes(4096))


@pytest.mark.soak
@pytest.mark.slow
def test_the_offered_backup_restores_over_the_damaged_file_and_the_shop_opens_again(
    home: Home, kept: Path,
) -> None:
    _zero_page(home.database, 1)
    run = _cli(home, "lookup", "INV-A-0001")
    assert run.returncode == 1 and "is damaged" in run.stderr
    command = run.stderr.split("Restore it with `")[1].split("`")[0]
    assert command.endswith(f"restore {kept}")
    restored = _cli(home, "restore", str(kept))
    assert restored.returncode == 0, restored.stderr
    assert "Traceback" not in restored.stderr
    assert soundness.problem(home.database, full=True) is None
    with sqlite_file(home.database) as connection:
        invoices = {r[0] for r in connection.execute("SELECT invoice_number FROM sales")}
        code = connection.execute("SELECT code FROM warranties LIMIT 1").fetchone()[0]
    assert invoices == {"INV-A"}, invoices  # as Monday's backup had it
    found = _cli(home, "lookup", code)
    assert found.returncode == 0, found.stdout + found.stderr
    assert code in found.stdout
    kept_damaged = list((home.root / "backups").glob("before-restore-*.damaged"))
    assert len(kept_damaged) == 1 and kept_damaged[0].read_bytes()[:4096] == bytes(4096)


@pytest.mark.soak
@pytest.mark.logs(r"The shop's database is damaged")
def test_the_app_start_refuses_a_damaged_file_offers_the_backup_and_stays_up(
    qapp: QApplication, home: Home, kept: Path,
) -> None:
    from tests.conftest import pinned_clock
    from ui.app import DAMAGED, _Startup
    from ui.start_window import StartWindow

    _zero_page(home.database, 3)
    before = _sha(home.database)
    first = StartWindow(home)
    first.show()
    startup = _Startup(home, qapp, first, pinned_clock(), probe=False, gc_was_on=True)
    startup.finish()
    QApplication.processEvents()
    assert startup.window is None and first.isVisible()
    assert first.heading.text() == DAMAGED
    assert first.detail is not None and f"The last good backup is {kept}" in first.detail.text()
    assert first.quit_button is not None and first.quit_button.hasFocus()
    assert _sha(home.database) == before
    first.close()


@pytest.mark.soak
@pytest.mark.slow
def test_the_app_started_on_a_damaged_file_stays_up_without_a_traceback(
    home: Home, kept: Path,
) -> None:
    _zero_page(home.database, 2)
    before = _sha(home.database)
    app = subprocess.Popen([sys.executable, "-m", "warranty_desk", "--home", str(home.root)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=CHECKOUT,
                           env=checkout_env(QT_QPA_PLATFORM="offscreen"))
    try:
        # The app waits on its start window for the person to read it and press Close.
        with pytest.raises(subprocess.TimeoutExpired):
            app.wait(timeout=8)
    finally:
        app.terminate()
        out, err = app.communicate(timeout=10)
    assert b"Traceback" not in out + err, err.decode()
    assert _sha(home.database) == before
    log = (home.logs / "warranty-desk.log").read_text("utf-8")
    assert "The shop's database is damaged" in log and str(kept) in log


def test_a_new_database_whose_first_page_is_still_in_the_wal_is_sound(tmp_path: Path) -> None:
    # A shop just set up and held open by the app: page 1 on disk was written before the
    # schema, with no text encoding yet; the real page 1 is in the -wal. A command run beside
    # the app called that file damaged.
    path = tmp_path / "shop.sqlite3"
    held = sqlite3.connect(path)
    try:
        held.execute("PRAGMA journal_mode=WAL")
        held.execute("PRAGMA wal_autocheckpoint=0")
        held.execute("CREATE TABLE t (x)")
        held.execute("INSERT INTO t VALUES (1)")
        held.commit()
        assert path.read_bytes()[56:60] == bytes(4)  # the state the check must accept
        assert soundness.problem(path) is None
    finally:
        held.close()


def test_an_unset_text_encoding_with_nothing_in_the_wal_is_still_damage(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    with sqlite_file(path) as made:
        made.execute("CREATE TABLE t (x)")
    data = bytearray(path.read_bytes())
    data[56:60] = bytes(4)
    path.write_bytes(bytes(data))
    assert soundness.problem(path) == (
        "its header names a text encoding or format that does not exist")
