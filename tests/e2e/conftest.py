"""The demo shop for end-to-end tests: built once by `init --demo`, each test module a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.cli import run


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo shop as `init --demo` builds it, once per session (per xdist worker): some
    four seconds of a processor each, where a dozen modules used to build their own."""
    home = tmp_path_factory.mktemp("demo-built") / "home"
    done = run(home, "init", "--demo")
    assert done.returncode == 0, done.stderr
    assert "Sam Sales" in done.stdout and "1111" in done.stdout
    return home


@pytest.fixture(scope="module")
def demo_home(demo_built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A test module's own copy of the built demo shop (the command closed it: no journal)."""
    home = tmp_path_factory.mktemp("demo") / "home"
    shutil.copytree(demo_built, home)
    return home
