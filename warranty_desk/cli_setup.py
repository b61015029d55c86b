"""The commands that make a shop: `init` (with --demo, a small demo shop) and `demo-data`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from warranty_desk.cli_common import EXIT_OK, command_clock, print_json, print_upgrade_notes
from warranty_desk.demo.uk_shop import DEMO_NAME, DEMO_TIMEZONE
from warranty_desk.errors import BadInput
from warranty_desk.storage.home import Home


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`init` and `demo-data` with their options."""
    p = sub.add_parser("init", help="create or upgrade the database")
    p.add_argument("--demo", action="store_true", help="also fill a small demo shop")
    p.add_argument("--shop-name", default=DEMO_NAME)
    p.add_argument("--branch", default="BR01", help="branch code, e.g. BR01")
    p.add_argument("--currency", help="ISO code, e.g. EUR (the default; the demo's is GBP)")
    p.add_argument("--locale", help="e.g. de_DE (en_GB unless said)")
    p.add_argument("--timezone", default=DEMO_TIMEZONE)

    p = sub.add_parser("demo-data", help="generate a large realistic shop for testing")
    p.add_argument("--warranties", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)


def cmd_init(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services import setup, upgrade

    shop = setup.ShopInput(name=args.shop_name, branch_code=args.branch.upper(),
                           currency=(args.currency or "EUR").upper(),
                           locale=args.locale or "en_GB",
                           timezone=args.timezone)
    clock = command_clock(args)
    done = upgrade.upgrade_if_older(home, clock)  # init would too, without saying where
    db, created = setup.init(home, shop, clock=clock)
    print(f"{'Created' if created else 'Upgraded'} the shop database at {home.database}.")
    if done is not None:
        print(f"It was at schema {done.from_revision}, now {done.to_revision}; the database as "
              f"it was is backed up at {done.backup.path}.")
    print_upgrade_notes(setup.upgrade_notes(db))
    if args.demo:
        from warranty_desk.demo.story import build_demo_shop

        # The demo shop is in pounds unless a currency or locale was asked for by name.
        report = build_demo_shop(
            db, currency=args.currency.upper() if args.currency else None, locale=args.locale)
        if report.created:
            print(f"Demo shop ready: {report.sales} sales, {report.warranties} warranties, "
                  f"{report.claims} claims. Sign in with:")
            for name, role, pin in report.staff:
                print(f"  {name:<14} {role:<12} PIN {pin}")
        else:
            print("The demo shop was already there; nothing added.")
    db.dispose()
    return EXIT_OK


def cmd_demo_data(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.demo.bulk import generate
    from warranty_desk.services import setup

    if args.warranties < 1:
        raise BadInput("--warranties must be 1 or more.")
    db, _ = setup.init(home, clock=command_clock(args))

    def progress(done: int, total: int) -> None:
        print(f"\r{done:,} of {total:,} records", end="", file=sys.stderr, flush=True)

    report = generate(db, warranties=args.warranties, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    print_json(report.as_dict())
    return EXIT_OK
