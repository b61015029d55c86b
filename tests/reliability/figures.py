"""The figures the reliability tests measure, printed together at the end of the run.

Also a pytest plugin (tests/conftest.py loads it): it prints the figures in the summary, and
under pytest-xdist each worker hands its figures to the controller, which prints the summary.
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest

# One line per figure, in the order the tests found them; printed in the run's summary.
FIGURES: list[str] = []
_HANDED = "reliability_figures"


def report(line: str) -> None:
    """Keep a figure for the run's summary (and print it, for `-s`)."""
    FIGURES.append(line)
    print(line)


def seed_from(env: str) -> int:
    """A random seed, or the one given in `env` to replay a run; printed either way."""
    seed = int(os.environ.get(env) or random.SystemRandom().randrange(10**6))
    print(f"seeded with {env}={seed}")
    return seed


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker: give this worker's figures to the controller."""
    handed = getattr(session.config, "workeroutput", None)
    if handed is not None:
        handed[_HANDED] = list(FIGURES)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook, on the controller
def pytest_testnodedown(node: Any, error: object) -> None:
    """Keep the figures a finished worker handed over."""
    FIGURES.extend(getattr(node, "workeroutput", {}).get(_HANDED, ()))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The figures, in their own section of the summary."""
    if FIGURES:
        terminalreporter.section("reliability figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
