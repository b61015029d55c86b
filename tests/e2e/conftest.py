"""The demo shop for end-to-end tests: one per test module, built by `init --demo`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import run


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    done = run(home, "init", "--demo")
    assert done.returncode == 0, done.stderr
    assert "Sam Sales" in done.stdout and "1111" in done.stdout
    return home
