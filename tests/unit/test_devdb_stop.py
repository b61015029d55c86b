"""`portal/devdb.py stop` (make clean) stops the test workers' clusters beside the checkout's."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal import devdb


@pytest.fixture
def root() -> Iterator[Path]:
    """A cluster folder the postgres user can reach (pytest's own tmp is root's alone)."""
    made = Path(tempfile.mkdtemp(prefix="devdb-stop-"))
    os.chmod(made, 0o755)
    yield made
    for left in (made, made / "gw0"):
        devdb.Cluster(left).stop()
    shutil.rmtree(made, ignore_errors=True)


def test_stop_also_stops_each_workers_cluster_left_by_a_killed_run(
        root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A worker's cluster, as a killed `make test` leaves it running; the checkout's own
    # cluster was never started.
    worker = devdb.Cluster(root / "gw0")
    assert worker.start() and worker.running()
    monkeypatch.setenv("PORTAL_PG_DIR", str(root))
    assert devdb.main(["stop"]) == 0
    assert not worker.running()
    assert "PostgreSQL stopped." in capsys.readouterr().out
