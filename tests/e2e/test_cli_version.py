"""`warranty-desk --version`: the package's version, the schema this build expects and the
database's, and the home folder; on a fresh machine it creates nothing."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from tests.conftest import sqlite_file
from tests.e2e.cli import run
from warranty_desk.storage import schema


def _facts(stdout: str) -> tuple[str, dict[str, str]]:
    first, *rest = stdout.splitlines()
    return first, dict(line.split(": ", 1) for line in rest)


def _everything_in(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*")}


def test_on_a_fresh_machine_it_says_the_versions_and_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "never made" / "home"
    done = run(home, "--version")
    assert done.returncode == 0, done.stderr
    first, facts = _facts(done.stdout)
    assert first == f"Warranty Desk {importlib.metadata.version('warranty-desk')}"
    assert facts["Schema this build expects"] == schema.HEAD
    assert facts["Database schema"] == "none yet (no home folder)"
    assert facts["Home folder"] == f"{home} (not created yet)"
    assert not (tmp_path / "never made").exists()
    assert done.stderr == ""


def test_on_a_shop_it_gives_the_database_revision_and_the_folders(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "init").returncode == 0
    before = _everything_in(home)
    done = run(home, "--version")
    assert done.returncode == 0, done.stderr
    assert _everything_in(home) == before  # not even the -wal and -shm a reader makes
    first, facts = _facts(done.stdout)
    assert first == f"Warranty Desk {importlib.metadata.version('warranty-desk')}"
    with sqlite_file(home / "warranty-desk.sqlite3") as connection:
        [(revision,)] = connection.execute("SELECT version_num FROM alembic_version")
    assert facts["Schema this build expects"] == schema.HEAD
    assert facts["Database schema"] == revision == schema.HEAD
    assert facts["Home folder"] == str(home)
    assert facts["Logs"] == str(home / "logs")
    assert facts["Backups"] == str(home / "backups")


def test_an_older_database_is_named_beside_what_this_build_expects(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "init").returncode == 0
    with sqlite_file(home / "warranty-desk.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0024'")
    _first, facts = _facts(run(home, "--version").stdout)
    assert facts["Database schema"] == f"0024 (this build expects {schema.HEAD})"
