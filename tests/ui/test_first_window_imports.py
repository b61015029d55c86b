"""The first window comes before the database: nothing of SQLAlchemy or the commands loads first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from warranty_desk.cli import parse

# In a fresh interpreter: what the app's start has imported when it shows its first window
# (the command line read, then ui.app with what run_app imports before the window).
_FIRST = """
import sys
from warranty_desk.cli import parse
args = parse(["--home", sys.argv[1]])
assert args.command is None and args.home == sys.argv[1]
import ui.app, ui.feature_scan, ui.start_gc, ui.start_window, ui.theme
print(" ".join(sorted(sys.modules)))
"""


def test_nothing_of_the_database_commands_or_log_loads_before_the_first_window(
    tmp_path: Path,
) -> None:
    loaded = set(subprocess.run([sys.executable, "-c", _FIRST, str(tmp_path)], check=True,
                                capture_output=True, text=True).stdout.split())
    assert "PySide6.QtWidgets" in loaded  # the probe did reach the window's imports
    # SQLAlchemy (with the schema check that once brought it), every command's module, the
    # version lookup and the rotating log's module all load after the first frame, if at all.
    assert {m for m in loaded if m.split(".")[0] == "sqlalchemy"} == set()
    assert {m for m in loaded if m.startswith("warranty_desk.cli_")} == {
        "warranty_desk.cli_common"}
    assert {"warranty_desk.about", "importlib.metadata", "logging.handlers"}.isdisjoint(loaded)


def test_options_alone_start_the_app_and_anything_more_is_a_command() -> None:
    assert parse(["--home", "/shop", "--today", "2026-11-22"]).command is None
    args = parse(["--home", "/shop", "lookup", "SN-1"])
    assert (args.command, args.home, args.code) == ("lookup", "/shop", ["SN-1"])
    assert parse(["--version"]).version is True
    # Abbreviations are the full parser's: "--ho" is --home, "--h" could be --help too.
    assert parse(["--ho", "/shop"]).home == "/shop"
    with pytest.raises(SystemExit):
        parse(["--h", "/shop"])


def test_a_wrong_option_is_refused_in_the_full_parser_s_plain_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse(["--today", "22/11/2026"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "'22/11/2026' is not a date like 2026-11-22" in err
    assert "COMMAND" in err  # the usage is the full parser's, naming the commands


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "lookup" in out and "audit-sample" in out
