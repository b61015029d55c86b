"""Every screen at 1024×768, again at twice the pixel density, and in the window a 1366×768
screen with a taskbar opens (1350×688), as the demo owner.

Each walk runs `tests/ui/screen_walk.py` in its own process: QT_SCALE_FACTOR only counts
before Qt starts. The offscreen screen is set to the shop's display (1024×768, or 2048×1536
physical pixels at 2×), so dialogs are sized the way they would be there. Screenshots go to
$WARRANTY_DESK_SHOTS/shots-1024, shots-hidpi and shots-1366 when that is set (a person looks
at them), else to a temporary folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# name: (scale, the screen, the window walked). The 1366 window is ui.main_window's fitted
# size for that screen less a 40-pixel taskbar.
WALKS = {"1024": (1, (1024, 768), "1024x768"), "hidpi": (2, (1024, 768), "1024x768"),
         "1366": (1, (1366, 768), "1350x688")}


@pytest.fixture(scope="module", params=sorted(WALKS))
def walk(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> dict[str, Any]:
    name = request.param
    scale, (width, height), size = WALKS[name]
    base = os.environ.get("WARRANTY_DESK_SHOTS")
    out = Path(base) if base else tmp_path_factory.mktemp("shots")
    screen = tmp_path_factory.mktemp("screen") / "screen.json"
    screen.write_text(json.dumps({"screens": [
        {"name": "counter", "x": 0, "y": 0, "width": width * scale, "height": height * scale}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
           "QT_SCALE_FACTOR": str(scale)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.screen_walk", str(out / f"shots-{name}"),
         "--size", size],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=280, check=False)
    assert done.stdout.strip(), done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.slow
def test_every_screen_walked_leaves_a_screenshot(walk: dict[str, Any]) -> None:
    files = [Path(f) for f in walk["files"]]
    assert len(files) > 25 and all(f.stat().st_size > 0 for f in files)


@pytest.mark.slow
def test_no_button_or_label_is_cut_and_no_page_scrolls_sideways(walk: dict[str, Any]) -> None:
    assert walk["problems"] == {}
