"""The child a kill test kills: claims, sales, imports and sync in a loop, each reported once saved.

Run as `python -m tests.reliability.writer DB FOLDER RUN SEED`. It prints `ready` once the
database is open, then one JSON line per write, only after the write's commit has returned:
a line the parent reads is a promise that the write is on disk. It runs until it is killed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sync.contract import Event, Outcome
from sync.engine import SyncEngine
from tests.conftest import TODAY, actor, pinned_clock
from warranty_desk.permissions import Role
from warranty_desk.services import claims
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.imports import import_invoices
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

SALES, MANAGER = actor(Role.SALES), actor(Role.MANAGER)
# Products of the `shop` fixture's catalogue that need a serial per unit.
PRODUCTS = (("PHN-200", 49_900), ("LAP-100", 89_900), ("TV-55", 129_900))
NATIVE_HEADER = ("invoice_number", "sold_on", "sku", "quantity", "unit_price", "serials")


class AcceptEverything:
    """Head office that takes every event at once: sync here is the cursor's own commits."""

    name = "portal"
    batch_size = 25

    def wants(self, topic: str) -> bool:
        return True

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        return [Outcome(event.id, "accepted") for event in events]


class Writer:
    """One child's loop; names carry the run number, so every child writes new invoices."""

    def __init__(self, db: Database, folder: Path, run: int, rng: random.Random) -> None:
        self.db, self.folder, self.run, self.rng = db, folder, run, rng
        self.serial = 0
        self.unclaimed: list[str] = []
        self.engine = SyncEngine(db, [AcceptEverything()])

    def _name(self, kind: str) -> str:
        self.serial += 1
        return f"K{self.run:03d}-{kind}{self.serial:05d}"

    def sale(self) -> dict[str, Any]:
        sku, price = self.rng.choice(PRODUCTS)
        units = self.rng.randint(1, 3)
        invoice = self._name("INV")
        serials = tuple(f"{invoice}-S{n}" for n in range(units))
        result = record_sale(self.db, SALES, SaleInput(
            invoice, date(2026, 11, 1), (LineInput(sku, units, price, serials, None),),
            CustomerInput("Grace Hopper", phone="+44 20 7946 0001")))
        self.unclaimed += result.warranty_codes
        return {"op": "sale", "invoice": invoice, "codes": list(result.warranty_codes)}

    def claim(self) -> dict[str, Any]:
        if not self.unclaimed:
            return self.sale()
        code = self.unclaimed.pop(self.rng.randrange(len(self.unclaimed)))
        summary = claims.start_claim(self.db, SALES, claims.StartClaim(code, "Will not charge"))
        return {"op": "claim", "number": summary.number, "warranty": code}

    def imported(self) -> dict[str, Any]:
        invoices = [self._name("IMP") for _ in range(self.rng.randint(5, 60))]
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerow(NATIVE_HEADER)
        for invoice in invoices:
            sku, price = self.rng.choice(PRODUCTS)
            out.writerow([invoice, "2026-11-02", sku, "1", f"{price / 100:.2f}", f"{invoice}-S"])
        path = self.folder / f"{invoices[0]}.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        report = import_invoices(self.db, MANAGER, path)
        assert report.sales == len(invoices), report
        return {"op": "import", "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "invoices": invoices}

    def sync(self) -> dict[str, Any]:
        report = self.engine.push_once()
        assert not report.errors, report.errors
        with self.db.read() as session:
            cursor = session.connection().exec_driver_sql(
                "SELECT delivered_seq FROM sync_cursors WHERE destination = 'portal'").scalar()
        return {"op": "sync", "delivered_seq": int(cursor or 0)}

    def loop(self) -> None:
        ops = (self.sale, self.claim, self.claim, self.imported, self.sync)
        while True:
            done = self.rng.choice(ops)()
            # Only now, with the commit returned, does the parent hear of it.
            sys.stdout.write(json.dumps(done) + "\n")
            sys.stdout.flush()


def main(argv: list[str]) -> None:
    path, folder, run, seed = Path(argv[0]), Path(argv[1]), int(argv[2]), int(argv[3])
    db = Database(path, clock=pinned_clock(TODAY))
    with db.read() as session:  # the connection is open before the parent starts its clock
        session.connection().exec_driver_sql("SELECT 1 FROM shop").all()
    print("ready", flush=True)
    Writer(db, folder, run, random.Random(seed)).loop()


if __name__ == "__main__":
    main(sys.argv[1:])
