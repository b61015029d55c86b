"""Timing, the budget table and results.json: each case measured beside its raw floor."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Nearest-rank p99 of fewer than 100 runs is simply the slowest run: one hiccup, not a tail.
# Below this many runs the table prints "–" for p99 and results.json keeps null.
P99_MIN_RUNS = 100


@dataclass(frozen=True, slots=True)
class Stats:
    """Median, 95th and 99th percentile of repeated runs, in milliseconds (p99 None if too few)."""

    median_ms: float
    p95_ms: float
    runs: int
    p99_ms: float | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """One budget: what the app took, what the raw floor took in the same run, and the verdict."""

    name: str
    budget: str
    measured: Stats
    floor: Stats | None
    floor_name: str
    passed: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """How many times the floor the app takes (median against median)."""
        if self.floor is None or self.floor.median_ms <= 0:
            return None
        return self.measured.median_ms / self.floor.median_ms


def measure(fn: Callable[[], object], *, runs: int, warmup: int = 2) -> Stats:
    """Run `fn` warmup times untimed, then `runs` times timed, each with perf_counter."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return stats(times)


def stats(times_ms: list[float]) -> Stats:
    """Median, nearest-rank p95 and (from P99_MIN_RUNS runs on) p99 of a list of timings."""
    ordered = sorted(times_ms)
    p99 = _rank(ordered, 0.99) if len(ordered) >= P99_MIN_RUNS else None
    return Stats(round(statistics.median(ordered), 3), _rank(ordered, 0.95), len(ordered), p99)


def _rank(ordered: list[float], share: float) -> float:
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return round(ordered[rank], 3)


def ms(value: float | None, places: int = 2) -> str:
    """A time for a table cell, "–" where there is none (a p99 of too few runs)."""
    return "–" if value is None else f"{value:.{places}f}"


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory = meminfo.read_text().splitlines()[0].split(":", 1)[1].strip()
    return {"platform": platform.platform(), "cpu": model or platform.processor(),
            "cores": os.cpu_count(), "memory": memory, "python": sys.version.split()[0],
            "sqlite": sqlite3.sqlite_version}


def table(results: list[Result]) -> str:
    """The one table `make bench` prints."""
    head = ("budget", "median ms", "p95 ms", "p99 ms", "runs", "floor", "floor ms", "ratio",
            "limit", "")
    rows: list[tuple[str, ...]] = [head]
    for r in results:
        ratio = f"{r.ratio:.1f}x" if r.ratio is not None else "–"
        rows.append((r.name, ms(r.measured.median_ms), ms(r.measured.p95_ms),
                     ms(r.measured.p99_ms), str(r.measured.runs), r.floor_name or "–",
                     f"{r.floor.median_ms:.3f}" if r.floor else "–", ratio, r.budget,
                     "PASS" if r.passed else "FAIL"))
    return aligned(rows)


def aligned(rows: list[tuple[str, ...]]) -> str:
    """Rows as columns padded to their widest cell, a rule under the first (the heading)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def as_json(results: list[Result], *, scale: str,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """What results.json holds: the machine, the scale and every result with its ratio."""
    return {"machine": machine(), "scale": scale, **(extra or {}),
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "results": [{**asdict(r), "ratio": None if r.ratio is None else round(r.ratio, 2)}
                        for r in results]}


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write results.json (from as_json)."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
