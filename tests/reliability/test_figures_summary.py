"""The reliability figures reach the run's summary when make test runs on several workers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_figures_found_on_every_xdist_worker_are_printed_in_the_summary(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    for name in ("kills", "tamperings"):
        pytester.makepyfile(**{f"test_{name}": f"""
            from tests.reliability.figures import report

            def test_{name}():
                report("{name}: 3 of 3")
        """})
    done = pytester.runpytest_subprocess("-p", "tests.reliability.figures", "-p",
                                         "no:cacheprovider", "-n", "2", "--dist", "loadfile")
    done.assert_outcomes(passed=2)
    summary = done.stdout.str().split("reliability figures", 1)[-1]
    assert "kills: 3 of 3" in summary and "tamperings: 3 of 3" in summary, done.stdout.str()
