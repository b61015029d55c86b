"""The bulk demo generator: a realistic, deterministic shop of any size, written in chunks."""

# Rows are built as plain tuples and written in chunks (bulk_rows.py says why); everything else
# follows the services: numbers from numbers.reserve, an outbox event for every change, search
# indexed as sale_rows.apply_plan does, one audit entry a chunk.
#
# Calling generate on a shop that already has data adds more: warranty codes, claim numbers,
# customer references, invoice numbers and serials all continue from their counters.

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from warranty_desk.demo import bulk_claims, bulk_sales
from warranty_desk.demo.bulk_claim_rows import CLAIMS_PER_CHUNK, write_claims
from warranty_desk.demo.bulk_run import BulkRun
from warranty_desk.demo.report import DemoReport
from warranty_desk.errors import BadInput
from warranty_desk.services.shop_time import today_at
from warranty_desk.storage.database import Database

MAX_WARRANTIES = 5_000_000


def generate(
    db: Database, *, warranties: int, seed: int,
    progress: Callable[[int, int], None] | None = None, documents_root: Path | None = None,
) -> DemoReport:
    """Add `warranties` warranties (sold units plus claim replacements) and ~1 claim per 10.

    Customers come to about one per five warranties. Deterministic for the shop's state,
    `warranties`, `seed` and today on the database's clock; on a shop that already has data it
    adds more, with every number continuing. `progress(done, total)` counts warranties and
    claims written.
    """
    if not 1 <= warranties <= MAX_WARRANTIES:
        raise BadInput(f"Ask for 1 to {MAX_WARRANTIES:,} warranties, not {warranties:,}.")
    run = BulkRun(db, warranties=warranties, seed=seed, today=today_at(db), progress=progress,
                  documents_root=documents_root)
    bulk_sales.sell(run)
    planned = bulk_claims.plan(run)
    for start in range(0, len(planned), CLAIMS_PER_CHUNK):
        write_claims(run, planned[start:start + CLAIMS_PER_CHUNK])
    return _report(run)


def _report(run: BulkRun) -> DemoReport:
    keys = [k for k in ("in_cover", "expired", "void") if k in run.samples]
    claims = len(run.kinds) + run.unknown_claims
    warranties = run.written + run.replacements
    return DemoReport(
        created=True, staff=(), sales=run.sales, warranties=warranties,
        claims=claims, sample_serials=tuple(run.samples[k] for k in keys),
        sample_verdicts=tuple(keys), customers=len(run.cust_ids),
        message=f"Generated {run.sales} sales, {warranties} "
                f"warranties, {len(run.cust_ids)} customers and {claims} claims.")
