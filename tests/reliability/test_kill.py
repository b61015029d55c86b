"""Writes killed with SIGKILL at random moments: the file stays sound, nothing reported saved is
lost, and the outbox holds exactly one event for each change that was committed."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import actor, pinned_clock
from tests.processes import CHECKOUT, checkout_env
from tests.reliability.disk import integrity
from tests.reliability.figures import report, seed_from
from tests.soak import rounds
from warranty_desk.permissions import Role
from warranty_desk.services import claims, setup
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

# The seed of the kill moments; printed, and given again with WARRANTY_DESK_KILL_SEED to replay.
SEED_ENV = "WARRANTY_DESK_KILL_SEED"
# The longest a child writes before it is killed, counted from when its database is open.
LONGEST_RUN = 0.8
TODAY_SOLD = date(2026, 11, 1)


@dataclass
class Promised:
    """Everything the children said they had committed, over all the kills so far."""

    sales: dict[str, list[str]] = field(default_factory=dict)  # invoice -> warranty codes
    claims: dict[str, str] = field(default_factory=dict)  # number -> warranty code
    imports: dict[str, list[str]] = field(default_factory=dict)  # file sha256 -> invoices
    delivered_seq: int = 0
    writes: int = 0

    def take(self, line: dict[str, Any]) -> None:
        self.writes += 1
        op = line["op"]
        if op == "sale":
            self.sales[line["invoice"]] = line["codes"]
        elif op == "claim":
            self.claims[line["number"]] = line["warranty"]
        elif op == "import":
            self.imports[line["sha256"]] = line["invoices"]
        else:
            self.delivered_seq = max(self.delivered_seq, line["delivered_seq"])


class Child:
    """The writer in its own process, its report lines read as they come."""

    def __init__(self, path: Path, folder: Path, run: int, seed: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.writer", str(path), str(folder),
             str(run), str(seed)], stdout=subprocess.PIPE, cwd=CHECKOUT, env=checkout_env())
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            text = raw.decode()
            if text == "ready\n":
                self.ready.set()
            elif text.endswith("\n"):  # a line cut by the kill was never promised
                self.lines.append(text)

    def kill_after(self, seconds: float) -> list[dict[str, Any]]:
        """SIGKILL the child `seconds` after it is ready; the writes it reported saved."""
        assert self.ready.wait(60), "the writer did not start"
        time.sleep(seconds)
        assert self.process.poll() is None, "the writer stopped by itself"
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self._reader.join(10)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return [json.loads(line) for line in self.lines]


def _rows(connection: sqlite3.Connection, query: str) -> list[tuple[Any, ...]]:
    return connection.execute(query).fetchall()


def check_after_kill(path: Path, promised: Promised) -> list[str]:
    """What is wrong with the file after a kill ([] when nothing is)."""
    problems = integrity(path)
    connection = sqlite3.connect(path)
    try:
        invoices = {r[0] for r in _rows(connection, "SELECT invoice_number FROM sales")}
        codes = {r[0] for r in _rows(connection, "SELECT code FROM warranties")}
        numbers = {r[0] for r in _rows(connection, "SELECT number FROM claims")}
        customers = {r[0] for r in _rows(connection, "SELECT reference FROM customers")}
        messages = {r[0] for r in _rows(connection, "SELECT lower(hex(id)) FROM customer_messages")}
        files = {r[0] for r in _rows(connection, "SELECT file_sha256 FROM import_batches")}
        cursor = _rows(connection, "SELECT delivered_seq FROM sync_cursors "
                                   "WHERE destination = 'portal'")
        events = Counter(_rows(connection, "SELECT topic, aggregate_id FROM outbox_events"))
        top = _rows(connection, "SELECT max(seq) FROM outbox_events")[0][0] or 0
    finally:
        connection.close()
    lost = [f"sale {i}" for i, c in promised.sales.items() if i not in invoices
            or not set(c) <= codes]
    lost += [f"claim {n}" for n in promised.claims if n not in numbers]
    lost += [f"import {d[:12]}" for d, inv in promised.imports.items()
             if d not in files or not set(inv) <= invoices]
    if promised.delivered_seq and (not cursor or cursor[0][0] < promised.delivered_seq):
        lost.append(f"sync cursor {cursor} behind {promised.delivered_seq}")
    if cursor and cursor[0][0] > top:
        lost.append(f"sync cursor {cursor[0][0]} past the last event {top}")
    problems += [f"lost: {what}" for what in lost]
    # One event per change: every warranty activated once, every claim opened once, every
    # customer made and message queued once, and no event of a change that is not there.
    for topic, have in (("warranty.activated", codes), ("claim.opened", numbers),
                        ("customer.created", customers), ("message.queued", messages)):
        told = {agg: n for (t, agg), n in events.items() if t == topic}
        problems += [f"{topic} {k} has {n} events" for k, n in told.items() if n != 1]
        problems += [f"{topic} of {k}, which is not there" for k in set(told) - have]
        problems += [f"{k} has no {topic} event" for k in have - set(told)]
    return problems


def _app_opens(home: Home) -> None:
    """The app's own start on the file: schema at head, the shop there, a write goes through."""
    db, new = setup.init(home, clock=pinned_clock())
    try:
        assert not new
    finally:
        db.dispose()


@pytest.mark.soak
@pytest.mark.slow
@pytest.mark.timeout(rounds(300))  # each kill starts a Python: minutes on a busy machine
def test_writers_killed_at_random_moments_lose_nothing_they_reported_saved(
    shop: Database, home: Home, tmp_path: Path,
) -> None:
    seed = seed_from(SEED_ENV)
    rng = random.Random(seed)
    shop.dispose()
    folder = tmp_path / "files"
    folder.mkdir()
    promised = Promised()
    kills = rounds(20)
    for run in range(kills):
        moment = rng.uniform(0.0, LONGEST_RUN)
        reported = Child(shop.path, folder, run, rng.randrange(2**31)).kill_after(moment)
        for line in reported:
            promised.take(line)
        problems = check_after_kill(shop.path, promised)
        assert problems == [], f"kill {run + 1} at {moment:.3f} s (seed {seed}): {problems}"
        _app_opens(home)
    report(f"{kills} kills survived; {promised.writes} writes reported saved "
          f"({len(promised.sales)} sales, {len(promised.claims)} claims, "
          f"{len(promised.imports)} imports, sync cursor {promised.delivered_seq}); 0 lost")
    assert promised.claims and promised.imports and promised.delivered_seq


def test_the_check_after_a_kill_finds_a_lost_claim_and_its_orphan_event(shop: Database) -> None:
    sales = actor(Role.SALES)
    sale = record_sale(shop, sales, SaleInput(
        "INV-CHECK", TODAY_SOLD, (LineInput("PHN-200", 1, 49_900, ("CHK-1",), None),),
        CustomerInput("Grace Hopper", phone="+44 20 7946 0001")))
    number = claims.start_claim(shop, sales, claims.StartClaim(
        sale.warranty_codes[0], "Will not charge")).number
    promised = Promised()
    promised.take({"op": "claim", "number": number, "warranty": sale.warranty_codes[0]})
    shop.dispose()
    assert check_after_kill(shop.path, promised) == []
    connection = sqlite3.connect(shop.path)
    connection.execute("DELETE FROM claims WHERE number = ?", (number,))
    connection.commit()
    connection.close()
    problems = check_after_kill(shop.path, promised)
    assert f"lost: claim {number}" in problems
    assert f"claim.opened of {number}, which is not there" in problems
    assert any(p.startswith("foreign key") for p in problems)
