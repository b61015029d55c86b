"""The new bench results beside the previous results.json, so a regression shows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.bench.harness import aligned, ms

# A case is a regression when its ratio to its raw floor grew by more than this share.
# The ratio, not the bare time, because the floor runs in the same moment on the same load:
# a busier machine slows both, a slower code path only the app's side.
REGRESSION = 0.10


def previous(path: Path, *, holds: str = "results") -> tuple[dict[str, Any] | None, str]:
    """The results an earlier run left at `path` (a JSON object with `holds` in it), or None
    and why not, in words."""
    if not path.exists():
        return None, f"No previous results at {path}: nothing to compare with."
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or holds not in data:
            raise ValueError(f"it has no {holds!r}")
    except (OSError, ValueError) as error:  # json's errors are ValueErrors
        return None, (f"The previous results at {path} could not be read ({error}); "
                      "compared with nothing. This run replaces them.")
    return data, ""


def _percent(now: float | None, was: float | None) -> str:
    if now is None or not was:
        return "–"
    return f"{(now / was - 1) * 100:+.0f}%"


def _ratio(case: dict[str, Any]) -> float | None:
    floor = case.get("floor") or {}
    if not floor.get("median_ms"):
        return None
    return float(case["measured"]["median_ms"]) / float(floor["median_ms"])


def _verdict(now: dict[str, Any], was: dict[str, Any]) -> str:
    new, old = _ratio(now), _ratio(was)
    if new is None or old is None:  # no floor to hold it against: the bare median speaks
        new, old = now["measured"]["median_ms"], was["measured"]["median_ms"]
        what = "median"
    else:
        what = "ratio to floor"
    if old and new / old - 1 > REGRESSION:
        return f"REGRESSION: {what} {new / old - 1:+.0%} (over {REGRESSION:.0%})"
    return "ok"


def rows(now: list[dict[str, Any]], was: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """One row per case of either run: previous and new median, p95 and ratio, and a verdict."""
    before = {case["name"]: case for case in was}
    found: list[tuple[str, ...]] = [("case", "was median ms", "median ms", "change",
                                     "was p95 ms", "p95 ms", "was ratio", "ratio", "")]
    for case in now:
        old = before.pop(case["name"], None)
        new_ratio = _ratio(case)
        shown = f"{new_ratio:.2f}x" if new_ratio is not None else "–"
        if old is None:
            found.append((case["name"], "–", ms(case["measured"]["median_ms"]), "–", "–",
                          ms(case["measured"]["p95_ms"]), "–", shown,
                          "new: not in the previous run"))
            continue
        old_ratio = _ratio(old)
        found.append((case["name"], ms(old["measured"]["median_ms"]),
                      ms(case["measured"]["median_ms"]),
                      _percent(case["measured"]["median_ms"], old["measured"]["median_ms"]),
                      ms(old["measured"]["p95_ms"]), ms(case["measured"]["p95_ms"]),
                      f"{old_ratio:.2f}x" if old_ratio is not None else "–", shown,
                      _verdict(case, old)))
    for name, old in before.items():
        found.append((name, ms(old["measured"]["median_ms"]), "–", "–",
                      ms(old["measured"]["p95_ms"]), "–", "–", "–", "gone: not measured now"))
    return found


def _results(data: dict[str, Any]) -> list[dict[str, Any]]:
    return list(data["results"])


def portal_cases(data: dict[str, Any]) -> list[dict[str, Any]]:
    """portal_results.json's timings as cases like results.json's, each beside its floor."""
    def case(name: str, measured: dict[str, Any], floor: dict[str, Any] | None = None
             ) -> dict[str, Any]:
        return {"name": name, "measured": measured, "floor": floor}

    def once(seconds: float) -> dict[str, Any]:
        return {"median_ms": seconds * 1000, "p95_ms": seconds * 1000, "runs": 1}

    found = [case("store every event over HTTP", once(data["stored_s"]),
                  once(data["floor_copy_s"])),
             case("until all are projected", once(data["projected_s"])),
             case("find a serial across branches", data["search_serial_ms"],
                  data["search_serial_floor_ms"])]
    found += [case(name, stats) for name, stats in data.get("pages_ms", {}).items()]
    floors = data.get("customer_floors_ms", {})
    found += [case(f"{name} (customers)", stats, floors.get(name))
              for name, stats in data.get("customer_pages_ms", {}).items()]
    return found


def report(now: dict[str, Any], was: dict[str, Any],
           cases: Callable[[dict[str, Any]], list[dict[str, Any]]] = _results) -> str:
    """The comparison table with a line saying what it compares and what counts as worse."""
    head = (f"Beside the previous run ({was.get('measured_at', 'time unknown')}, scale "
            f"{was.get('scale', '?')}); a ratio to the floor more than {REGRESSION:.0%} worse "
            "is a regression:")
    if was.get("scale") != now.get("scale"):
        head += (f"\nNote: the previous run was at scale {was.get('scale')}, this one at "
                 f"{now.get('scale')}; their times are not comparable.")
    return head + "\n" + aligned(rows(cases(now), cases(was)))


def regressions(now: dict[str, Any], was: dict[str, Any]) -> list[str]:
    """The names of the cases that got worse by more than REGRESSION."""
    return [row[0] for row in rows(now["results"], was["results"])[1:]
            if row[-1].startswith("REGRESSION")]
