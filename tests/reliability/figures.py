"""The figures the reliability tests measure, printed together at the end of the run."""

from __future__ import annotations

# One line per figure, in the order the tests found them; conftest prints them in the summary.
FIGURES: list[str] = []


def report(line: str) -> None:
    """Keep a figure for the run's summary (and print it, for `-s`)."""
    FIGURES.append(line)
    print(line)
