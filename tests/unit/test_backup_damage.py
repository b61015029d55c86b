"""Damaged backups and a busy database: a restore refuses in plain words and changes nothing.

SQLite's integrity check passes a file cut short by a byte (the lost tail reads as zeros) and
a byte changed in the text of the schema; the manifest written beside every backup catches
both. A database another program holds open is said to be in use, not a bug.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import actor, pinned_clock, sqlite_file
from warranty_desk.errors import BadInput, DatabaseInUse
from warranty_desk.permissions import Role
from warranty_desk.services import backup, backup_manifest, catalogue
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

OWNER = actor(Role.OWNER)
PAGE = 4096


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dump(path: Path) -> str:
    raw = sqlite3.connect(path)
    try:
        return "\n".join(raw.iterdump())
    finally:
        raw.close()


def _fill(db: Database, products: int) -> None:
    owner = actor(Role.OWNER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Damage 12",
                                                          manufacturer_months=12))
    # Ten at a time: one event of them all (each product's details travel in it) would end
    # the file with the unused tail of an overflow page, and cutting that changes no record.
    for first in range(0, products, 10):
        catalogue.add_products(db, owner, [catalogue.ProductInput(
            sku=f"SKU-{n:04d}", name=f"Product number {n:04d} with a longer name",
            brand="Orbit", category="phones", policy="Damage 12")
            for n in range(first, min(first + 10, products))])


@pytest.fixture
def saved(db: Database, tmp_path: Path) -> Path:
    """A good backup of a shop whose last page holds records (not the schema's text)."""
    _fill(db, 400)
    folder = tmp_path / "saved"
    folder.mkdir()
    return backup.backup(db, OWNER, folder / "backup.sqlite3").path


@pytest.fixture
def live_untouched(db: Database, home: Home, saved: Path) -> Iterator[str]:
    """The live file's content after the backup; asserts nothing changed it or the folder."""
    catalogue.add_policy(db, OWNER, catalogue.PolicyInput(name="After the backup",
                                                          manufacturer_months=6))
    db.dispose()
    before = _sha256(home.database)
    yield before
    assert _sha256(home.database) == before
    folder = backup.backups_folder(home)
    assert not folder.exists() or list(folder.iterdir()) == []


def _restore(home: Home, path: Path) -> None:
    backup.restore(home, OWNER, path, clock=pinned_clock())


def test_a_backup_cut_short_by_one_byte_is_refused(
    home: Home, saved: Path, live_untouched: str,
) -> None:
    whole = _dump(saved)
    saved.write_bytes(saved.read_bytes()[:-1])
    # What made it dangerous: SQLite alone takes the file, and reads other records from it.
    with sqlite_file(saved) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert _dump(saved) != whole
    with pytest.raises(BadInput, match=r"^backup\.sqlite3 is [\d,]+ bytes, but its manifest "
                                       r"says [\d,]+ were written: the file was cut short since"):
        _restore(home, saved)


def _schema_offset(data: bytes) -> int:
    """Where a column's type is written in the schema's text (CREATE TABLE products)."""
    table = data.index(b"CREATE TABLE products")
    return data.index(b"VARCHAR(200)", table) + 3


def test_a_flipped_byte_in_the_schema_is_refused(
    home: Home, saved: Path, live_untouched: str,
) -> None:
    data = bytearray(saved.read_bytes())
    data[_schema_offset(data)] ^= 0x01  # VARCHAR becomes VARBHAR: SQLite takes either
    saved.write_bytes(bytes(data))
    with sqlite_file(saved) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with pytest.raises(BadInput, match=r"^backup\.sqlite3 does not match its manifest: some of "
                                       r"its bytes changed since the backup was made"):
        _restore(home, saved)


def _damaged_copies(data: bytes) -> Iterator[tuple[str, bytes]]:
    """Every kind of damage tried: cut short, added to, and single bytes flipped."""
    for cut in (1, 2, 3, 100, 511, PAGE - 1, PAGE, PAGE + 1, 3 * PAGE, len(data) // 2):
        yield f"cut short by {cut}", data[:-cut]
    for extra in (b"\x00", b"\x00" * PAGE, b"x" * 100):
        yield f"{len(extra)} bytes added", data + extra
    schema = _schema_offset(data)
    offsets = sorted({*range(0, 100), *range(schema - 200, schema + 200, 3),
                      *range(100, len(data), len(data) // 200)})
    for offset in offsets:
        flipped = bytearray(data)
        flipped[offset] ^= 0x01
        yield f"byte {offset} flipped", bytes(flipped)


def test_every_damaged_copy_of_a_backup_is_refused(
    home: Home, saved: Path, live_untouched: str,
) -> None:
    data = saved.read_bytes()
    tried = refused = 0
    for _how, damaged in _damaged_copies(data):
        saved.write_bytes(damaged)
        tried += 1
        with pytest.raises(BadInput, match=r"(cut short|added to|does not match its manifest)"):
            _restore(home, saved)
        refused += 1
    assert refused == tried >= 400


def test_a_backup_without_its_manifest_is_refused(
    home: Home, saved: Path, live_untouched: str,
) -> None:
    backup_manifest.path_of(saved).unlink()
    with pytest.raises(BadInput, match=r"^backup\.sqlite3 has no manifest beside it "
                                       r"\(backup\.sqlite3\.manifest\.json\)"):
        _restore(home, saved)


@pytest.fixture
def other(db: Database, saved: Path) -> Path:
    """A second backup of the same shop, taken after the first."""
    return backup.backup(db, OWNER, saved.with_name("other.sqlite3")).path


def test_the_manifest_of_another_backup_is_refused(
    home: Home, saved: Path, other: Path, live_untouched: str,
) -> None:
    backup_manifest.path_of(other).replace(backup_manifest.path_of(saved))
    with pytest.raises(BadInput, match=r"backup\.sqlite3 does not match its manifest"):
        _restore(home, saved)


@pytest.mark.parametrize("text", [
    "", "not json", "[]", '{"kind": "something else"}', "\udcff",
    '{"kind": "Warranty Desk backup manifest", "version": 1, "bytes": "12"}',
])
def test_a_damaged_manifest_is_refused_in_plain_words(
    home: Home, saved: Path, live_untouched: str, text: str,
) -> None:
    backup_manifest.path_of(saved).write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(BadInput, match=r"^backup\.sqlite3 cannot be checked: its manifest "
                                       r"\(backup\.sqlite3\.manifest\.json\) is damaged"):
        _restore(home, saved)


def test_a_manifest_naming_another_shop_is_refused(
    home: Home, saved: Path, live_untouched: str,
) -> None:
    path = backup_manifest.path_of(saved)
    body = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**body, "branch": "BR99", "shop_id": "00" * 16}),
                    encoding="utf-8")
    with pytest.raises(BadInput, match="holds the shop of branch BR01, but its manifest was "
                                       "made for branch BR99"):
        _restore(home, saved)


def test_the_manifest_says_size_hash_schema_shop_and_time(db: Database, saved: Path) -> None:
    body = json.loads(backup_manifest.path_of(saved).read_text(encoding="utf-8"))
    assert body["kind"] == backup_manifest.KIND and body["version"] == 1
    assert body["file"] == "backup.sqlite3"
    assert body["bytes"] == saved.stat().st_size and body["sha256"] == _sha256(saved)
    assert body["branch"] == "BR01" and len(body["shop_id"]) == 32
    from warranty_desk.storage import migrate

    assert body["schema"] == migrate.head_revision()
    assert body["made_at"] == pinned_clock().now().isoformat()


def test_the_safety_copy_of_a_restore_can_itself_be_restored(
    db: Database, home: Home, saved: Path,
) -> None:
    catalogue.add_policy(db, OWNER, catalogue.PolicyInput(name="Kept in the safety copy",
                                                          manufacturer_months=6))
    db.dispose()
    first = backup.restore(home, OWNER, saved, clock=pinned_clock())
    assert first.safety_copy is not None
    backup.restore(home, OWNER, first.safety_copy, clock=pinned_clock())
    with sqlite_file(home.database) as raw:
        names = {r[0] for r in raw.execute("SELECT name FROM policies")}
    assert "Kept in the safety copy" in names


_HOLDER = """
import sqlite3, sys
held = sqlite3.connect(sys.argv[1], isolation_level=None)
held.execute("PRAGMA journal_mode=WAL")
held.execute("SELECT count(*) FROM shop").fetchone()
print("holding", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def held(db: Database, home: Home) -> Iterator[subprocess.Popen[str]]:
    """Another process (as the counter app would) holding the live database open."""
    db.dispose()
    with subprocess.Popen([sys.executable, "-c", _HOLDER, str(home.database)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None and process.stdin is not None
        assert process.stdout.readline().strip() == "holding"
        try:
            yield process
        finally:
            if not process.stdin.closed:
                process.stdin.close()
            process.wait(timeout=30)


def test_a_restore_while_another_process_holds_the_database_says_so(
    home: Home, saved: Path, live_untouched: str, held: subprocess.Popen[str],
) -> None:
    with pytest.raises(DatabaseInUse, match=r"^The shop's database is open in another program: "
                                            r"the counter app, .* Nothing was changed\.$"):
        _restore(home, saved)
    assert held.poll() is None  # the other program was left alone


def test_restore_on_the_command_line_names_the_program_in_the_way_not_a_bug(
    home: Home, saved: Path, live_untouched: str, held: subprocess.Popen[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from warranty_desk import cli

    code = cli.main(["--home", str(home.root), "restore", str(saved)])
    err = capsys.readouterr().err
    assert code == 1 and "open in another program" in err and "bug" not in err, err


def test_the_restore_goes_ahead_once_the_other_program_has_closed(
    home: Home, saved: Path, held: subprocess.Popen[str],
) -> None:
    with pytest.raises(DatabaseInUse):
        _restore(home, saved)
    assert held.stdin is not None
    held.stdin.close()
    held.wait(timeout=30)
    report = backup.restore(home, OWNER, saved, clock=pinned_clock())
    assert report.safety_copy is not None and report.sha256 == _sha256(saved)
