"""`portal/devdb.py stop` (make clean) stops the test workers' clusters beside the checkout's."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal import devdb


def test_stop_also_stops_each_workers_cluster_left_by_a_killed_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "pg"
    for worker in ("gw0", "gw1"):
        (root / worker).mkdir(parents=True)
    (root / "elsewhere").mkdir()
    stopped: list[Path] = []
    # Stands in for pg_ctl: which clusters were asked to stop is what this test is about.
    monkeypatch.setattr(devdb.Cluster, "stop", lambda self: stopped.append(self.root))
    monkeypatch.setenv("PORTAL_PG_DIR", str(root))
    assert devdb.main(["stop"]) == 0
    assert stopped == [root, root / "gw0", root / "gw1"]
    assert "PostgreSQL stopped." in capsys.readouterr().out
