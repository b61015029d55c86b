"""Run warranty-desk the way a person does: a new process through `python -m warranty_desk`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TODAY = "2026-11-22"


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """warranty-desk as a person runs it, with the tests' fixed today."""
    return subprocess.run(
        [sys.executable, "-m", "warranty_desk", "--home", str(home), "--today", TODAY, *args],
        capture_output=True, text=True, timeout=120, check=False)
