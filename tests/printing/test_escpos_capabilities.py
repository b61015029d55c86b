"""python-escpos's printer profiles: a broken or half-written cached pickle never stops a start."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from printing.escpos.capabilities import pickle_path, ready_pickle, source_path

ROOT = Path(__file__).resolve().parents[2]
# A start as the till makes it: our cache folder first, then python-escpos reads the pickle.
START = "import printing.escpos, escpos.capabilities as c; print(len(c.CAPABILITIES['profiles']))"


def _start(cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    return subprocess.Popen([sys.executable, "-c", START], env=env, cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out.strip()


def test_a_half_written_pickle_is_made_again_and_the_start_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "warranty-desk" / "escpos"
    folder.mkdir(parents=True)
    whole = tmp_path / "whole"
    whole.mkdir()
    ready_pickle(whole)
    data = pickle_path(whole).read_bytes()
    # What python-escpos's own in-place write leaves when a start dies halfway through it.
    pickle_path(folder).write_bytes(data[: len(data) // 2])
    profiles = _finish(_start(tmp_path))
    assert int(profiles) > 10
    assert pickle_path(folder).read_bytes() == data


def test_tills_starting_together_on_an_empty_cache_all_start(tmp_path: Path) -> None:
    starts = [_start(tmp_path) for _ in range(4)]
    counts = {_finish(process) for process in starts}
    assert len(counts) == 1 and int(counts.pop()) > 10
    folder = tmp_path / "warranty-desk" / "escpos"
    # Only the pickle is left: no private half-files from the starts that lost the rename.
    assert [path.name for path in folder.iterdir()] == [pickle_path(folder).name]


def test_a_current_whole_pickle_is_left_as_it_is(tmp_path: Path) -> None:
    ready_pickle(tmp_path)
    target = pickle_path(tmp_path)
    with target.open("rb") as stored:
        assert pickle.load(stored)["profiles"]
    before = target.stat().st_mtime_ns
    os.utime(target, ns=(before, before))
    ready_pickle(tmp_path)
    assert target.stat().st_mtime_ns == before


def test_a_pickle_older_than_the_capabilities_file_is_made_again(tmp_path: Path) -> None:
    ready_pickle(tmp_path)
    target = pickle_path(tmp_path)
    older = int(source_path().stat().st_mtime_ns) - 10**9
    os.utime(target, ns=(older, older))
    ready_pickle(tmp_path)
    assert target.stat().st_mtime_ns > older
