"""The figures the reliability tests measure, printed together at the end of the run."""

from __future__ import annotations

import os
import random

# One line per figure, in the order the tests found them; conftest prints them in the summary.
FIGURES: list[str] = []


def report(line: str) -> None:
    """Keep a figure for the run's summary (and print it, for `-s`)."""
    FIGURES.append(line)
    print(line)


def seed_from(env: str) -> int:
    """A random seed, or the one given in `env` to replay a run; printed either way."""
    seed = int(os.environ.get(env) or random.SystemRandom().randrange(10**6))
    print(f"seeded with {env}={seed}")
    return seed
