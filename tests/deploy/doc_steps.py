"""The tagged shell blocks of docs/deploy-steps.md, and running them as the doc says."""

from __future__ import annotations

import re
import shlex
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "deploy-steps.md"
PACKAGING = REPO / "packaging" / "portal"
_BLOCK = re.compile(r"^```(\S*)([^\n]*)\n(.*?)^```\s*$", re.M | re.S)
_STEP = re.compile(r"\bstep=([\w-]+)")
_EXPORT = re.compile(r"^export ([A-Z_]+)=(.*)$")


def blocks(text: str | None = None) -> dict[str, str]:
    """Each shell block of the doc by its step name; an untagged or repeated one is an error."""
    found: dict[str, str] = {}
    for match in _BLOCK.finditer(DOC.read_text() if text is None else text):
        language, info, body = match.groups()
        if language not in {"sh", "bash"}:
            continue
        step = _STEP.search(info)
        assert step, f"a shell block of {DOC.name} has no step= tag:\n{body}"
        assert step.group(1) not in found, f"step={step.group(1)} is tagged twice"
        found[step.group(1)] = body
    return found


def doc_vars() -> dict[str, str]:
    """The names the doc's first block exports, with the values it gives them."""
    values = {}
    for line in blocks()["vars"].splitlines():
        match = _EXPORT.match(line.strip())
        assert match, f"step=vars holds only `export NAME=value` lines, not {line!r}"
        values[match.group(1)] = match.group(2)
    return values


@dataclass(frozen=True)
class Steps:
    """Runs the doc's blocks with this machine's values for the doc's names."""

    values: dict[str, str]
    env: dict[str, str]

    def __post_init__(self) -> None:
        assert set(self.values) == set(doc_vars()), (
            "the test gives a value to exactly the names step=vars exports: "
            f"{sorted(set(self.values) ^ set(doc_vars()))}")

    def script(self, *steps: str, before: str = "") -> str:
        """The shell text: the names, the `portal` function, `before`, then the blocks."""
        found = blocks()
        exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in self.values.items())
        body = "".join(found[step] for step in steps)
        return f"set -euo pipefail\n{exports}{found['portal-command']}{before}{body}"

    def run(self, *steps: str, before: str = "") -> str:
        """Run the blocks in one bash as root; their output, or the failure with it."""
        started = time.monotonic()
        done = subprocess.run(["bash", "-c", self.script(*steps, before=before)],
                              env=self.env, capture_output=True, text=True, timeout=600,
                              check=False)
        assert done.returncode == 0, (
            f"step(s) {', '.join(steps)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n"
            f"{done.stderr[-3000:]}")
        print(f"step(s) {', '.join(steps)}: {time.monotonic() - started:.1f} s")
        return done.stdout + done.stderr


def env_file(path: Path) -> dict[str, str]:
    """The NAME="value" lines of an EnvironmentFile (comments and blank lines left out)."""
    values = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.partition("=")
        values[name.strip()] = value.strip().strip('"')
    return values


def exec_start(unit: str) -> list[str]:
    """The command line a unit file's ExecStart= runs."""
    for line in (PACKAGING / unit).read_text().splitlines():
        if line.startswith("ExecStart="):
            return shlex.split(line.removeprefix("ExecStart="))
    raise AssertionError(f"{unit} has no ExecStart=")


def unit_setting(unit: str, name: str) -> str:
    """One `Name=value` of a unit file (the first)."""
    for line in (PACKAGING / unit).read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{unit} has no {name}=")
