"""The size what-if (tests/bench/size_what_if.py) measures lossless re-encodings on a copy.

A small demo shop (the real `demo-data` command) is re-encoded step by step: the source file
is never written, every table keeps its rows, the timestamps and dates come back exactly from
their integers, ids stay unique, and each step leaves a smaller file than the one before.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from tests.bench import size_what_if as what_if


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 300-warranty demo shop with claims, messages and history in every table."""
    home = tmp_path_factory.mktemp("shop")
    subprocess.run([sys.executable, "-m", "warranty_desk", "--home", str(home), "--today",
                    "2026-11-22", "demo-data", "--warranties", "300", "--seed", "7"],
                   check=True, stdout=subprocess.DEVNULL)
    return home / "warranty-desk.sqlite3"


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in what_if._tables(conn)}


def test_each_step_shrinks_the_copy_and_leaves_the_shop_alone(demo_db: Path,
                                                               tmp_path: Path) -> None:
    before = hashlib.sha256(demo_db.read_bytes()).hexdigest()
    results = what_if.measure(demo_db, list(what_if.STEPS), alone=False, work=tmp_path)
    assert [label for label, _ in results] == [
        "baseline (VACUUM)", "datetimes", "datetimes + dates", "datetimes + dates + enums",
        "datetimes + dates + enums + ids"]
    sizes = [per for _, per in results]
    assert all(later < earlier for earlier, later in pairwise(sizes))
    assert hashlib.sha256(demo_db.read_bytes()).hexdigest() == before


def test_the_steps_keep_every_row_and_lose_no_value(demo_db: Path, tmp_path: Path) -> None:
    source = sqlite3.connect(f"file:{demo_db}?mode=ro", uri=True)
    conn = what_if.copy_for_measuring(demo_db, tmp_path / "copy.sqlite3")
    try:
        rows = _counts(source)
        assert rows["warranties"] == 300 and rows["claim_events"] > 0
        stamps = source.execute("SELECT rowid, created_at FROM warranties").fetchall()
        events = source.execute("SELECT id, at FROM claim_events").fetchall()
        days = source.execute("SELECT rowid, start_on, end_on FROM warranties").fetchall()
        statuses = source.execute("SELECT rowid, status FROM warranties").fetchall()
        for step in what_if.STEPS:
            what_if.apply(conn, step)
            assert _counts(conn) == rows, step
        # Integers back to the very text they were made from.
        assert conn.execute(
            "SELECT rowid, strftime('%Y-%m-%d %H:%M:%S', created_at / 1000000, 'unixepoch') "
            "|| printf('.%06d', created_at % 1000000) FROM warranties").fetchall() == stamps
        back = dict(conn.execute(
            "SELECT id, strftime('%Y-%m-%d %H:%M:%S', at / 1000000, 'unixepoch') "
            "|| printf('.%06d', at % 1000000) FROM claim_events").fetchall())
        assert sorted(back.values()) == sorted(at for _, at in events)
        assert conn.execute("SELECT rowid, date(start_on * 86400, 'unixepoch'), "
                            "date(end_on * 86400, 'unixepoch') FROM warranties"
                            ).fetchall() == days
        # One number per status, the same for the same status.
        numbered = dict(conn.execute("SELECT rowid, status FROM warranties").fetchall())
        pairs = {(status, numbered[rowid]) for rowid, status in statuses}
        assert len(pairs) == len({s for _, s in statuses}) == len({n for _, n in pairs})
        # Ids of 8 bytes, still one per row.
        assert conn.execute("SELECT count(DISTINCT id), min(length(id)), max(length(id)) "
                            "FROM warranties").fetchone() == (300, 8, 8)
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                            ).fetchone() == (0,)
    finally:
        conn.close()
        source.close()


def test_an_unknown_step_is_refused(demo_db: Path) -> None:
    with pytest.raises(SystemExit):
        what_if.main([str(demo_db), "--steps", "datetimes,pages"])
