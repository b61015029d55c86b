"""The command line at its edges: output piped into `head`, and the demo home left by `make run`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.cli import TODAY, run

ROOT = Path(__file__).resolve().parents[2]


def test_output_into_a_closed_pipe_ends_quietly(demo_home: Path) -> None:
    # The reader is gone before the command writes a byte, as `| head` is once it has enough.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "warranty_desk", "--home", str(demo_home), "--today", TODAY,
             "lookup", "Okafor", "--json"],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 1


def test_the_register_piped_into_head_ends_quietly(demo_home: Path) -> None:
    command = (f"{sys.executable} -m warranty_desk --home {demo_home} --today {TODAY} "
               "report warranties --json | head -c 100")
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.stdout.startswith('{"report": "warranties"')
    assert "bug" not in done.stderr and "Exception" not in done.stderr


def _default_home_env(tmp_path: Path) -> dict[str, str]:
    """No --home and no WARRANTY_DESK_HOME: the user data folder, kept inside the test."""
    env = {k: v for k, v in os.environ.items() if k != "WARRANTY_DESK_HOME"}
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path / "user"),
               PYTHONPATH=str(ROOT))
    return env


def test_a_command_without_home_next_to_the_demo_shop_names_it(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    assert run(clone / ".demo-home", "init").returncode == 0
    done = subprocess.run([sys.executable, "-m", "warranty_desk", "lookup", "X-1"], cwd=clone,
                          env=_default_home_env(tmp_path), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2
    default = tmp_path / "data" / "warranty-desk"
    assert done.stderr == (f"warranty-desk: No shop in {default}. The demo shop from `make run` "
                           "is in .demo-home: add `--home .demo-home`.\n")


def test_without_a_demo_shop_it_still_says_to_run_init(tmp_path: Path) -> None:
    (tmp_path / "clone").mkdir()
    done = subprocess.run([sys.executable, "-m", "warranty_desk", "lookup", "X-1"],
                          cwd=tmp_path / "clone", env=_default_home_env(tmp_path),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "init` first" in done.stderr and ".demo-home" not in done.stderr
