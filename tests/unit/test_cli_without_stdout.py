"""A command run by the windowed program (warranty-desk-app.exe, no console: sys.stdout is None)
does its work and exits 0, rather than failing on flushing output that has nowhere to go."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from warranty_desk import cli
from warranty_desk.storage.home import Home


def test_a_command_without_a_console_succeeds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setattr(sys, "stdout", None)
    assert cli.main(["--home", str(home), "init", "--shop-name", "Corner Shop"]) == cli.EXIT_OK
    monkeypatch.undo()
    assert Home(home).database.exists()
