"""The UI fixtures of tests/ui (the demo shop's window) for the reliability tests that drive it,
and the run's reliability figures in the summary (kills survived, tamperings detected ...)."""

from typing import Any

from tests.reliability.figures import FIGURES
from tests.ui.conftest import demo_home, demo_template, no_keyring, window

__all__ = ["demo_home", "demo_template", "no_keyring", "window"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
