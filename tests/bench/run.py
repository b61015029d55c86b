"""`make bench`: measure every budget in DESIGN.md beside its raw floor; print one table.

    python -m tests.bench.run [--scale full|tiny] [--out tests/bench/results.json]

The full scale runs on a cached synthetic shop of a million warranties; tiny runs the same
code on a few thousand rows, for `make test` to prove the benchmarks work (no timing verdict).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.bench import (
    cases_activation,
    cases_board,
    cases_dashboard,
    cases_import,
    cases_lookup,
    cases_printing,
    cases_startup,
    cases_sync,
    compare,
    harness,
    shop,
)

SCALES = {"full": 1_000_000, "tiny": 2_000}
RUNS = {"full": 50, "tiny": 5}
# Each sync run pushes the whole outbox (100k events, about half a minute at full scale).
SYNC_RUNS = {"full": 3, "tiny": 5}
# An import of 100k lines takes seconds, and its floor as many: three of each, not one.
IMPORT_RUNS = {"full": 3, "tiny": 2}
IMPORT_LINES = {"full": 100_000, "tiny": 2_000}
# Outbox events set aside, before the shop's nightly prunes them, for the push benchmark.
PUSH_EVENTS = {"full": 100_000, "tiny": 2_000}
# Each cold start is a new process of a second or two.
START_RUNS = {"full": 7, "tiny": 2}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args(argv)
    runs = RUNS[args.scale]
    home = shop.cached_shop(SCALES[args.scale], push_events=PUSH_EVENTS[args.scale])
    db = shop.open_shop(home)
    results: list[harness.Result] = []
    try:
        results += cases_lookup.run(db, today=shop.TODAY, runs=runs)
        results.append(cases_startup.scan_to_card(home, today=shop.TODAY, runs=runs,
                                                  serials=cases_lookup.serials(db.path)))
        results += cases_startup.cold_start(home, runs=START_RUNS[args.scale])
        results.append(cases_board.run(db, today=shop.TODAY, runs=runs))
        results += cases_dashboard.run(db, today=shop.TODAY, runs=runs)
        results += cases_printing.run(runs=runs)
        with tempfile.TemporaryDirectory() as scratch:
            results.append(cases_activation.run(db, sku=_a_serial_product(db), price_minor=59_900,
                                                today=shop.TODAY, runs=runs,
                                                scratch=Path(scratch)))
        with tempfile.TemporaryDirectory() as scratch:
            results.append(cases_import.run(lines=IMPORT_LINES[args.scale], today=shop.TODAY,
                                            scratch=Path(scratch),
                                            runs=IMPORT_RUNS[args.scale]))
        with tempfile.TemporaryDirectory() as scratch:
            results.append(cases_sync.run(shop.push_template(home), runs=SYNC_RUNS[args.scale],
                                          scratch=Path(scratch)))
    finally:
        db.dispose()
    size = shop.database_size(home)
    print(harness.table(results))
    print(f"\ndatabase: {size['bytes'] / 1e9:.2f} GB for {size['warranties']:,} warranties "
          f"({size['bytes_per_warranty']:,} bytes each with their history); budget "
          f"{shop.SIZE_BUDGET_BYTES_PER_WARRANTY} bytes each: "
          f"{'PASS' if size['passed'] else 'FAIL'}")
    largest = size["largest_tables"]
    assert isinstance(largest, dict)
    print("  bytes per warranty by table, with its indexes: " + ", ".join(
        f"{name} {per}" for name, per in largest.items()))
    for result in results:
        if "written_floor_ms" in result.extra:
            extra = result.extra
            print(f"{result.name}: {extra['rows_written']:,} rows in {extra['tables_written']} "
                  "tables; sqlite-utils inserting those same rows into the same tables and "
                  f"indexes takes {extra['written_floor_ms']:,} ms; the import takes "
                  f"{extra['ratio_to_written_floor']}x that")
    data = harness.as_json(results, scale=args.scale, extra={"database": size})
    was, why_not = compare.previous(args.out)
    print("\n" + (compare.report(data, was) if was is not None else why_not))
    harness.write_json(args.out, data)
    print(f"\nWrote {args.out}", file=sys.stderr)
    passed = all(r.passed for r in results) and bool(size["passed"])
    return 0 if passed or args.scale == "tiny" else 1


def _a_serial_product(db: object) -> str:
    from sqlalchemy import select

    from warranty_desk.models import Product
    from warranty_desk.storage.database import Database

    assert isinstance(db, Database)
    with db.read() as session:
        sku = session.scalars(select(Product.sku).where(Product.serial_required.is_(True))
                              .order_by(Product.sku).limit(1)).first()
    if sku is None:
        raise SystemExit("The benchmark shop has no product that takes a serial.")
    return sku


if __name__ == "__main__":
    sys.exit(main())
