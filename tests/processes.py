"""Stopping the servers tests start: asked first, killed if they do not go in time."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen[bytes], grace: float) -> None:
    """Terminate a process and wait for it; kill it after `grace` seconds (a server stuck
    mid-request must not hold the test run)."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
