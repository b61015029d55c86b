"""Stopping the servers tests start: asked first, killed if they do not go in time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def stop(process: subprocess.Popen[bytes], grace: float) -> None:
    """Terminate a process and wait for it; kill it after `grace` seconds (a server stuck
    mid-request must not hold the test run)."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# The checkout the tests run from: a child Python imports its packages before any installed copy.
CHECKOUT = Path(__file__).resolve().parents[1]


def checkout_env(**extra: str) -> dict[str, str]:
    """The environment of a child Python that imports this checkout first, plus `extra`."""
    path = os.pathsep.join([str(CHECKOUT), *sys.path])
    return {**os.environ, "PYTHONPATH": path, **extra}
