"""Times the bundle's start beside the venv's: `python packaging/measure_start.py [BUNDLE]`.

For each of `--version` and the counter app (offscreen, to "ready": the startup probe of
ui/app.py) it runs the program several times on a fresh home folder and prints the first run
and the median, and the bundle's size on disk. packaging/README.md holds the numbers.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink()) / 1e6


def timed(command: list[str], extra: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds, and the CPU seconds the program used (user + system): on a busy
    machine the second says more, as waiting for a core does not count."""
    with tempfile.TemporaryDirectory() as home:
        env = {"PATH": os.environ["PATH"], "HOME": home, "LANG": "C.UTF-8", **extra}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=home, check=True, capture_output=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bundle", type=Path, nargs="?", default=ROOT / "dist" / "warranty-desk")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    programs = {"bundle": [str(args.bundle.resolve() / "warranty-desk")],
                "venv": [sys.executable, "-m", "warranty_desk"]}
    cases = {"--version": (["--version"], {}),
             "counter ready": ([], {"QT_QPA_PLATFORM": "offscreen",
                                    "WARRANTY_DESK_STARTUP_PROBE": "1"})}
    print(f"bundle size: {size_mb(args.bundle):.0f} MB in {args.bundle}")
    for case, (arguments, extra) in cases.items():
        for name, program in programs.items():
            env = dict(extra)
            if name == "venv":
                env["PYTHONPATH"] = str(ROOT)
            runs = [timed([*program, *arguments], env) for _ in range(args.runs)]
            wall = statistics.median(run[0] for run in runs)
            cpu = statistics.median(run[1] for run in runs)
            print(f"{case:14} {name:6} first {runs[0][0]:.2f} s, median {wall:.2f} s "
                  f"(CPU {cpu:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
