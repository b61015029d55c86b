"""Head office's bench results, for tests.bench.portal_scale: the JSON file written and read
back, the table `make bench` prints, and whether every budget holds."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.bench import harness, portal_customers
from tests.bench.harness import Stats
from tests.bench.portal_staff_reads import USERS

INGEST_BUDGET_S = 600.0
SEARCH_BUDGET_MS = 20.0
PAGE_BUDGET_MS = 150.0


def load(out: Path) -> dict[str, Any]:
    """The results of the last run, its timings as Stats again."""
    if not out.exists():
        raise SystemExit(f"No earlier run to measure reads on: {out} is missing.")
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    data.pop("machine", None)
    for key in ("search_serial_ms", "search_serial_floor_ms"):
        data[key] = Stats(**data[key])
    for key in ("pages_ms", "customer_pages_ms", "customer_floors_ms"):
        if key in data:
            data[key] = {name: Stats(**v) for name, v in data[key].items()}
    return data



def write(out: Path, data: dict[str, Any]) -> None:
    """results JSON with the machine."""
    def plain(value: Any) -> Any:
        if isinstance(value, Stats):
            return {"median_ms": value.median_ms, "p95_ms": value.p95_ms, "runs": value.runs,
                    "p99_ms": value.p99_ms}
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, Decimal):  # PostgreSQL's SUM and COUNT over numeric columns
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    data.setdefault("measured_at", time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    out.write_text(json.dumps({"machine": harness.machine(), **plain(data)},
                              indent=2) + "\n", encoding="utf-8")


def table(data: dict[str, Any]) -> str:
    """The table `make bench` prints for head office."""
    events = data["events"]
    full = data["scale"] == 1
    rows = [("measure", "value", "floor", "budget", "")]

    def verdict(ok: bool) -> str:
        return ("PASS" if ok else "FAIL") if full else "(scaled)"

    rate = events / data["stored_s"]
    floor_rate = events / data["floor_copy_s"]
    rows.append((f"store {events:,} events over HTTP ({data['branches']} branches at once)",
                 f"{rate:,.0f} events/s ({data['stored_s']:.0f} s)",
                 f"COPY {floor_rate:,.0f} events/s ({data['floor_copy_s']:.1f} s)", "", ""))
    budget = INGEST_BUDGET_S * data["scale"]
    rows.append(("until all are projected", f"{data['projected_s']:.0f} s", "",
                 f"≤ {budget:.0f} s", verdict(data["projected_s"] <= budget)))
    memory = data["peak_memory_mib"]
    rows.append(("peak memory (PSS)", ", ".join(f"{k} {v:,.0f} MiB" for k, v in memory.items()),
                 "", "", ""))
    counts = data["counts"]
    clean = counts["lost"] == 0 and counts["duplicated"] == 0 and counts["problems"] == 0
    rows.append(("lost / duplicated / not projectable", f"{counts['lost']} / "
                 f"{counts['duplicated']} / {counts['problems']}", "", "0 / 0 / 0",
                 "PASS" if clean else "FAIL"))
    search, floor = data["search_serial_ms"], data["search_serial_floor_ms"]
    rows.append((f"find a serial across branches ({data['warranties']:,} warranties)",
                 f"median {search.median_ms:.1f} ms, p95 {search.p95_ms:.1f} ms, "
                 f"p99 {harness.ms(search.p99_ms, 1)} ms",
                 f"SELECT {floor.median_ms:.2f} ms", f"≤ {SEARCH_BUDGET_MS:.0f} ms",
                 verdict(search.median_ms <= SEARCH_BUDGET_MS)))
    for name, stats in data["pages_ms"].items():
        rows.append((f"{name}, {USERS} people at once (a page/s each)",
                     f"p95 {stats.p95_ms:.0f} ms (median {stats.median_ms:.0f}, "
                     f"p99 {harness.ms(stats.p99_ms, 0)})", "",
                     f"≤ {PAGE_BUDGET_MS:.0f} ms", verdict(stats.p95_ms <= PAGE_BUDGET_MS)))
    rows += portal_customers.rows(data, verdict)
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def passed(data: dict[str, Any]) -> bool:
    """Every budget met, nothing lost or made twice."""
    counts = data["counts"]
    return (data["projected_s"] <= INGEST_BUDGET_S * data["scale"]
            and counts["lost"] == counts["duplicated"] == counts["problems"] == 0
            and data["search_serial_ms"].median_ms <= SEARCH_BUDGET_MS
            and all(s.p95_ms <= PAGE_BUDGET_MS for s in data["pages_ms"].values())
            and portal_customers.passed(data))
