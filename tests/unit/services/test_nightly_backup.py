"""Nightly backups are checked and kept N days on the one clock: only the nightly job's own
files are deleted, never the newest good one, whatever day the clock says it is."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import TODAY, stand_on
from warranty_desk import cli, config
from warranty_desk.permissions import Actor
from warranty_desk.services import backup, nightly_backup
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

ACTOR = Actor.system("command line")


def _names(home: Home) -> set[str]:
    return {p.name for p in home.backups.iterdir()}


def _nightly_days(home: Home) -> list[date]:
    return sorted(made.date() for made, _ in nightly_backup.nightly_backups(home))


def test_each_night_keeps_the_last_n_days_and_deletes_the_rest(db: Database, home: Home) -> None:
    for offset in range(30):
        stand_on(db, TODAY + timedelta(days=offset), hour=2)
        report = nightly_backup.run(db, ACTOR, home, keep_days=14)
        assert backup.is_good(report.path)
        # Tonight's and the 14 nights before it (the one made 14 days ago to the hour stays).
        first = TODAY + timedelta(days=max(0, offset - 14))
        assert _nightly_days(home) == [first + timedelta(days=n)
                                       for n in range((TODAY + timedelta(days=offset)
                                                       - first).days + 1)]
        assert report.kept == len(_nightly_days(home))
    assert len(_nightly_days(home)) == 15
    assert report.deleted == (home.backups / "nightly-20261206T020000Z.sqlite3",)
    # A deleted backup's manifest goes with it: nothing is left that names a missing file.
    assert all((home.backups / name.removesuffix(".manifest.json")).exists()
               for name in _names(home) if name.endswith(".manifest.json"))


def test_a_year_ahead_only_the_nightly_jobs_own_files_go_and_the_newest_stays(
        db: Database, home: Home) -> None:
    for offset in range(3):
        stand_on(db, TODAY + timedelta(days=offset), hour=2)
        nightly_backup.run(db, ACTOR, home, keep_days=14)
    home.backups.mkdir(exist_ok=True)
    by_hand = backup.backup(db, ACTOR, home.backups / "before-the-move.sqlite3").path
    upgrade = backup.copy_file(home.database, home.backups
                               / "before-upgrade-0024-to-0025-20261101T000000Z.sqlite3",
                               db.clock).path
    # Named like the job's but without a manifest the job wrote: not the job's to delete.
    look_alike = home.backups / "nightly-20200101T020000Z.sqlite3"
    look_alike.write_bytes(by_hand.read_bytes())
    others = {by_hand.name, f"{by_hand.name}.manifest.json", upgrade.name,
              f"{upgrade.name}.manifest.json", look_alike.name}

    a_year_on = TODAY + timedelta(days=366)
    stand_on(db, a_year_on, hour=2)
    report = nightly_backup.run(db, ACTOR, home, keep_days=14)
    assert len(report.deleted) == 3
    assert _nightly_days(home) == [a_year_on]  # tonight's, the newest good one, stays
    assert others <= _names(home)

    # And a clock put back a year deletes nothing: what it has not reached yet is kept.
    stand_on(db, TODAY, hour=3)
    report = nightly_backup.run(db, ACTOR, home, keep_days=1)
    assert report.deleted == ()
    assert _nightly_days(home) == [TODAY, a_year_on]


def test_a_backup_that_fails_its_check_deletes_nothing(
        db: Database, home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    for offset in range(3):
        stand_on(db, TODAY + timedelta(days=offset), hour=2)
        nightly_backup.run(db, ACTOR, home, keep_days=1)
    before = _names(home)
    made = backup.backup

    def failing_disk(*args: object, **kwargs: object) -> backup.BackupReport:
        report = made(*args, **kwargs)  # type: ignore[arg-type]
        with report.path.open("r+b") as handle:  # a byte changed on its way to the disk
            handle.seek(5000)
            handle.write(b"\xff")
        return report

    monkeypatch.setattr(backup, "backup", failing_disk)
    stand_on(db, TODAY + timedelta(days=40), hour=2)
    with pytest.raises(nightly_backup.NightlyBackupFailed) as failed:
        nightly_backup.run(db, ACTOR, home, keep_days=1)
    assert "did not pass its check" in str(failed.value)
    assert "no older backup was deleted" in str(failed.value)
    assert _names(home) == before  # the bad one removed, every older one kept


def _run(home: Home, *words: str, today: date) -> int:
    return cli.main(["--home", str(home.root), "--today", today.isoformat(), *words])


def test_the_command_keeps_the_days_the_setting_says(
        db: Database, home: Home, capsys: pytest.CaptureFixture[str]) -> None:
    db.dispose()
    config.save(home, config.Settings(backup_keep_days=2))
    for offset in range(5):
        assert _run(home, "backup", "--nightly", today=TODAY + timedelta(days=offset)) == 0
    out = capsys.readouterr().out
    assert "Deleted 1 nightly backup(s) older than 2 days; 3 kept." in out.splitlines()[-1]
    assert _nightly_days(home) == [TODAY + timedelta(days=n) for n in (2, 3, 4)]


def test_the_command_wants_a_file_or_nightly_not_both(
        db: Database, home: Home, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db.dispose()
    assert _run(home, "backup", today=TODAY) == 2
    assert _run(home, "backup", str(tmp_path / "b.sqlite3"), "--nightly", today=TODAY) == 2
    assert "Name the file to back up to, or use --nightly" in capsys.readouterr().err
    assert not home.backups.exists() or not any(home.backups.iterdir())


def test_the_days_kept_is_a_setting_checked_like_the_others(home: Home) -> None:
    assert config.load(home).settings.backup_keep_days == 14
    home.config.write_text("backup_keep_days = 0\n", "utf-8")
    loaded = config.load(home)
    assert loaded.settings.backup_keep_days == 14
    assert loaded.warning is not None and "backup_keep_days = 0 (reset to 14)" in loaded.warning
    with pytest.raises(Exception, match="nightly backups are kept 1 to 3650 days"):
        config.save(home, config.Settings(backup_keep_days=5000))
