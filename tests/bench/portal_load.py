"""What the portal scale bench sends and watches: branches' events, their pushes, memory.

Each simulated branch has a till's history of sales: customers, the warranties sold to them
(two cover layers each), claims with a photo and a status change, paid extensions, as the
till's services write them into its outbox (the same topics and payload fields). A branch
pushes it the way the till does: batches of 500 in seq order over one keep-alive connection,
a batch sent again after a refusal to take it (429, 5xx, a dropped connection).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import uuid_utils

BATCH = 500
# A block of 20 events: two customers with 7 warranties each, a claim opened on the first
# warranty with a photo and a status change, and an extension of the eighth.
BLOCK = 20
WARRANTIES_PER_BLOCK = 14
ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class Row:
    """One outbox event as the till sends it (its payload already JSON)."""

    id: str
    seq: int
    topic: str
    aggregate: str
    aggregate_id: str
    occurred_at: str
    payload: str


def branch_code(n: int) -> str:
    """B001, B002 …"""
    return f"B{n:03d}"


def serial(code: str, n: int) -> str:
    """The serial of a branch's n-th unit sold."""
    return f"SN{code}{n:07d}"


def _event(rows: list[Row], topic: str, aggregate: str, key: str, at: datetime,
           payload: dict[str, Any]) -> None:
    rows.append(Row(str(uuid_utils.uuid7()), len(rows) + 1, topic, aggregate, key,
                    at.isoformat(), json.dumps(payload, ensure_ascii=False)))


def history(code: str, count: int, start: date) -> list[Row]:
    """A branch's first `count` outbox events."""
    rows: list[Row] = []
    block = 0
    while len(rows) < count:
        at = datetime(start.year, start.month, start.day, 9, tzinfo=UTC) + timedelta(
            minutes=7 * block)
        sold = start + timedelta(days=block // 40)
        first_unit = block * WARRANTIES_PER_BLOCK
        for half in range(2):
            ref = f"{code}-C{2 * block + half:06d}"
            _event(rows, "customer.created", "customer", ref, at, {
                "reference": ref, "name": f"Customer {code} {2 * block + half}",
                "phone": f"+4420{code[1:]}{(block * 2 + half) % 10**5:05d}",
                "email": f"c{2 * block + half}@{code.lower()}.example", "segment": "retail"})
            for unit in range(7):
                n = first_unit + 7 * half + unit
                wcode = f"{code}-W-2026-{n:06d}"
                _event(rows, "warranty.activated", "warranty", wcode, at, {
                    "code": wcode, "serial": serial(code, n), "product": f"Phone model {n % 40}",
                    "sku": f"PH-{n % 40:03d}", "customer": ref, "invoice": f"{code}-I-{block}",
                    "status": "active", "start": sold.isoformat(),
                    "end": (sold + timedelta(days=729)).isoformat(),
                    "layers": [
                        {"kind": "manufacturer", "start": sold.isoformat(),
                         "end": (sold + timedelta(days=364)).isoformat()},
                        {"kind": "shop", "start": (sold + timedelta(days=365)).isoformat(),
                         "end": (sold + timedelta(days=729)).isoformat()}]})
        claimed = f"{code}-W-2026-{first_unit:06d}"
        number = f"{code}-C-2026-{block:06d}"
        opened = at + timedelta(minutes=3)
        _event(rows, "claim.opened", "claim", number, opened, {
            "customer": f"{code}-C{2 * block:06d}", "number": number, "state": "received",
            "outcome": None, "channel": "counter", "claim_type": "repair",
            "fault": "Screen flickers after an hour", "serial": serial(code, first_unit),
            "opened_at": opened.isoformat(), "warranty": claimed})
        _event(rows, "claim.evidence_added", "claim", number, opened, {
            "number": number, "sha256": f"{block:032d}{code.lower():0>32}"[:64],
            "kind": "photo_of_fault", "media_type": "image/jpeg", "size": 180_000 + block})
        _event(rows, "claim.status_changed", "claim", number, opened + timedelta(hours=2), {
            "customer": f"{code}-C{2 * block:06d}", "number": number, "state": "inspecting",
            "from_state": "received", "outcome": None, "channel": "counter",
            "claim_type": "repair", "fault": "Screen flickers after an hour",
            "serial": serial(code, first_unit), "opened_at": opened.isoformat()})
        extended = f"{code}-W-2026-{first_unit + 7:06d}"
        _event(rows, "warranty.extended", "warranty", extended, opened, {
            "code": extended, "plan": "Care +12", "plan_code": "CARE-12", "price_minor": 4900,
            "end": (sold + timedelta(days=1094)).isoformat()})
        block += 1
    return rows[:count]


def bodies(rows: list[Row]) -> list[bytes]:
    """The pushEvents request bodies, batches of 500 in seq order."""
    out = []
    for start in range(0, len(rows), BATCH):
        events = ",".join(
            f'{{"id":"{r.id}","seq":{r.seq},"topic":"{r.topic}","aggregate":"{r.aggregate}",'
            f'"aggregate_id":{json.dumps(r.aggregate_id)},"occurred_at":"{r.occurred_at}",'
            f'"payload":{r.payload}}}' for r in rows[start:start + BATCH])
        out.append(f'{{"events":[{events}]}}'.encode())
    return out


@dataclass
class Tally:
    """What the portal answered, over every branch."""

    statuses: Counter[str] = field(default_factory=Counter)
    resent: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def push_branch(port: int, code: str, token: str, batches: list[bytes], tally: Tally) -> None:
    """One branch's till pushing its batches in order; a refused batch is sent again."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "X-Forwarded-Proto": "https"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        for body in batches:
            for attempt in range(ATTEMPTS):
                try:
                    conn.request("POST", f"/api/v1/branches/{code}/events", body, headers)
                    answer = conn.getresponse()
                    data = answer.read()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    status, data = 0, str(exc).encode()
                else:
                    status = answer.status
                if status == 200:
                    seen = Counter(r["status"] for r in json.loads(data)["results"])
                    with tally.lock:
                        tally.statuses.update(seen)
                        tally.resent += attempt > 0
                    break
                if status not in (0, 429, 500, 502, 503) or attempt == ATTEMPTS - 1:
                    with tally.lock:
                        tally.failures.append(f"{code}: {status} {data[:300]!r}")
                    return
                time.sleep(min(5.0, 0.2 * 2 ** attempt))
    finally:
        conn.close()


# -- memory -------------------------------------------------------------------------------


def stat_fields(pid: int) -> list[str]:
    """A process's /proc stat fields after its name (the name may hold spaces and brackets);
    OSError when it has ended."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_s(pid: int, children: bool = False) -> float:
    """CPU seconds (user + system) of a process, or of its children that ended and it reaped."""
    fields = stat_fields(pid)
    at = 13 if children else 11  # cutime, cstime or utime, stime (after the name)
    return (int(fields[at]) + int(fields[at + 1])) / os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(stat_fields(int(entry.name))[1])
        except OSError:
            continue
        found.setdefault(parent, []).append(int(entry.name))
    return found


def process_tree(root: int, children: dict[int, list[int]] | None = None) -> list[int]:
    """A process and every live descendant (from `children`, else read now)."""
    children = _children() if children is None else children
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def tree_cpu_s(root: int) -> float:
    """CPU seconds of a process, its live descendants and the children it reaped."""
    total = cpu_s(root, children=True)
    for pid in process_tree(root):
        with contextlib.suppress(OSError):  # ended meanwhile: its parent's once reaped
            total += cpu_s(pid)
    return total


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemoryWatch:
    """Samples the proportional memory (PSS, so shared pages count once) of process trees."""

    def __init__(self, roots: dict[str, int], every: float = 0.5) -> None:
        self.roots, self.every = roots, every
        self.peak_mib: dict[str, float] = dict.fromkeys([*roots, "total"], 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            children = _children()
            total = 0.0
            for name, root in self.roots.items():
                mib = sum(_pss_kib(p) for p in process_tree(root, children)) / 1024
                self.peak_mib[name] = max(self.peak_mib[name], mib)
                total += mib
            self.peak_mib["total"] = max(self.peak_mib["total"], total)
            self._stop.wait(self.every)
