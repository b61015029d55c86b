"""warranty-desk-portal: migrate, recount, serve, worker, branches, staff and the demo.

Settings come from the environment (PORTAL_DATABASE_URL, PORTAL_SECRET_KEY, PORTAL_DEBUG,
PORTAL_ALLOWED_HOSTS, PORTAL_MEDIA_ROOT, PORTAL_STATIC_ROOT); DJANGO_SETTINGS_MODULE picks the
profile (portal.settings.production unless it says otherwise). Exit codes: 0 done, 1 failure,
2 bad input or settings.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

DEFAULT_PORT = 8800
# How often `worker --until-idle` goes round before it says jobs are still waiting.
MAX_IDLE_PASSES = 50


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    import django

    django.setup()


def _migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    # The admin's static files are served by whitenoise from STATIC_ROOT.
    call_command("collectstatic", interactive=False, verbosity=0)
    print("The portal's database is up to date.")
    return 0


def _recount(args: argparse.Namespace) -> int:
    from portal.projections import claim_rolls, sales_counts

    print(f"The metric page's sales counted again: {sales_counts.recount():,} groups.")
    print(f"The metric page's claims rolled up again: {claim_rolls.recount():,} claims.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    # gunicorn, never Django's development server; exec so signals reach it directly.
    argv = [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
            "--bind", f"{args.host}:{args.port}", "--workers", str(args.workers),
            "--threads", str(args.threads), "--access-logfile", "-",
            "--graceful-timeout", "10", "--timeout", "60",
            # gunicorn's longest request line: a query past the contract's limits then reaches
            # the portal and gets its 400 in words, not gunicorn's bare 414 page.
            "--limit-request-line", "8190"]
    os.execv(sys.executable, argv)
    return 1  # not reached


def _worker(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    if not args.until_idle:
        call_command("procrastinate", "worker", "--concurrency", str(args.concurrency))
        return 0
    from procrastinate.contrib.django.models import ProcrastinateJob

    # A one-shot worker stops when it finds nothing it may start, which is also the case
    # when the jobs left wait on a lock another job of the same pass holds (a branch's
    # projection, its drift check): it goes round again until none is waiting.
    for _ in range(MAX_IDLE_PASSES):
        call_command("procrastinate", "worker", "--concurrency", str(args.concurrency),
                     "--one-shot")
        if not ProcrastinateJob.objects.filter(status="todo").exists():
            return 0
    print(f"Jobs were still waiting after {MAX_IDLE_PASSES} passes; run the worker again.",
          file=sys.stderr)
    return 1


def _branch(args: argparse.Namespace) -> int:
    from portal.branches import services

    if args.action == "add":
        branch, token = services.register_branch(args.code, args.name or "")
        print(f"Branch {branch.code} is registered. Its sync token (shown only now; enter it "
              f"in the till's Settings → Sync):\n{token}")
    elif args.action == "token":
        print(f"A new sync token for {args.code.upper()} (shown only now):\n"
              f"{services.issue_token(args.code)}")
    elif args.action == "rotate":
        rotated = services.rotate_token(args.code)
        print(f"A new sync token for {args.code.upper()} (shown only now; enter it in the "
              f"till's Settings → Sync):\n{rotated.token}\nIts older token(s) keep working "
              f"until {rotated.old_until:%Y-%m-%d %H:%M} UTC, then are refused.")
    else:
        count = services.revoke_tokens(args.code)
        print(f"Revoked {count} token(s) of {args.code.upper()}; its till is refused until "
              "it gets a new one.")
    return 0


def _staff(args: argparse.Namespace) -> int:
    from portal.staff.services import add_staff

    member, password = add_staff(args.email, args.role, args.supplier or "")
    role = f"{member.role} for {member.supplier}" if member.supplier else member.role
    print(f"{member.user.get_username()} is head-office {role}. First password (shown "
          f"only now; change it at first sign-in):\n{password}")
    return 0


def _webshop(args: argparse.Namespace) -> int:
    from portal.webshop import shops

    if args.action == "online-branch":
        found = shops.set_online_branch(args.target)
        print(f"Branch {found.code} fulfils the orders of every web shop that names no branch.")
        return 0
    # A secret on the command line would stay in the shell's history: it comes on stdin.
    given = sys.stdin.readline().strip() if args.secret_stdin else ""
    shop, secret = shops.add_shop(args.platform, args.target, prefix=args.prefix,
                                  currency_code=args.currency, branch=args.branch or "",
                                  name=args.name or "", secret=given)
    where = (f"branch {shop.branch.code}" if shop.branch else "the chain's online branch")
    print(f"Web shop {shop.domain} ({shop.get_platform_display()}) is set up; its orders go to "
          f"{where}, numbered {shop.prefix}-<order number>.")
    if not given:
        print(f"Its webhook secret (shown only now; enter it in the shop's webhook settings):"
              f"\n{secret}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    import json

    from portal.staff.demo import set_up_demo

    found = set_up_demo(args.branch, args.name or "", args.email)
    if args.json:
        print(json.dumps(found.to_json()))
    else:
        print(f"Branch {found.branch} is ready; its sync token (shown only now):\n"
              f"{found.token}\nHead-office admin {found.email}, password: {found.password}")
    return 0


def _demo_customer(args: argparse.Namespace) -> int:
    import json

    from portal.staff.demo import demo_customer

    found = demo_customer(args.branch)
    if found is None:
        print(f"Branch {args.branch.upper()} has no customer with an email and a product at head "
              "office yet: sync its till and let the worker project it, then ask again.",
              file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(found.to_json()))
    else:
        print(f"Sign in at /me/ as {found.email} ({found.name}, {found.products} products; "
              f"claim under way: {found.claim or 'none'}, may claim on: "
              f"{found.claimable or 'nothing'}, may extend: {found.extendable or 'nothing'}).")
    return 0


def _manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["warranty-desk-portal manage", *args.rest])
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="warranty-desk-portal",
                                     description="The Warranty Desk head-office portal.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(run=_migrate)
    sub.add_parser("recount", help="count the metric page's sales and claims again from the "
                                   "warranties and claims (the triggers keep them; after a "
                                   "restore by hand, or to check)").set_defaults(run=_recount)
    serve = sub.add_parser("serve", help="serve the portal with gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--threads", type=int, default=4)
    serve.set_defaults(run=_serve)
    worker = sub.add_parser("worker", help="run the background jobs (projection)")
    worker.add_argument("--concurrency", type=int, default=2,
                        help="jobs at once: branches projected in parallel")
    worker.add_argument("--until-idle", action="store_true",
                        help="stop when no job is left (tests, one-off catch-up)")
    worker.set_defaults(run=_worker)
    branch = sub.add_parser("branch",
                            help="register a branch, issue, rotate or revoke its tokens")
    branch.add_argument("action", choices=["add", "token", "rotate", "revoke"])
    branch.add_argument("code")
    branch.add_argument("--name")
    branch.set_defaults(run=_branch)
    staff = sub.add_parser("staff", help="add a head-office staff member")
    staff.add_argument("action", choices=["add"])
    staff.add_argument("email")
    staff.add_argument("--role", required=True,
                       choices=["admin", "support", "auditor", "supplier"])
    staff.add_argument("--supplier", help="for --role supplier: the supplier this contact "
                                          "speaks for, as the branches name it")
    staff.set_defaults(run=_staff)
    webshop = sub.add_parser("webshop", help="set up a web shop's order webhooks, or name the "
                                             "chain's online branch")
    webshop.add_argument("action", choices=["add", "online-branch"])
    webshop.add_argument("target", help="add: the shop's domain (Shopify shop.myshopify.com, "
                                        "WooCommerce the site's address); online-branch: "
                                        "the branch code")
    webshop.add_argument("--platform", choices=["shopify", "woocommerce"], default="shopify")
    webshop.add_argument("--prefix", default="WEB",
                         help="put before the shop's order numbers at the till (1-8 capitals)")
    webshop.add_argument("--currency", default="EUR", help="the shop's currency (ISO code)")
    webshop.add_argument("--branch", help="the branch that fulfils its orders (default: the "
                                          "chain's online branch)")
    webshop.add_argument("--name")
    webshop.add_argument("--secret-stdin", action="store_true",
                         help="read the platform's webhook secret from stdin instead of "
                              "making one")
    webshop.set_defaults(run=_webshop)
    demo = sub.add_parser("demo", help="the demo branch and a demo head-office admin: "
                                       "registered once, a fresh token and password each run")
    demo.add_argument("--branch", default="BR01")
    demo.add_argument("--name", default="Demo shop")
    demo.add_argument("--email", default="admin@demo.example")
    demo.add_argument("--json", action="store_true", help="one JSON object on stdout")
    demo.set_defaults(run=_demo)
    customer = sub.add_parser("demo-customer", help="a customer of the demo branch to sign in "
                                                    "as at /me/ (after its till synced)")
    customer.add_argument("--branch", default="BR01")
    customer.add_argument("--json", action="store_true", help="one JSON object on stdout")
    customer.set_defaults(run=_demo_customer)
    manage = sub.add_parser("manage", help="any Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(run=_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit code says how it went."""
    args = _parser().parse_args(argv)
    from django.core.exceptions import ImproperlyConfigured

    try:
        _setup()
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except ImproperlyConfigured as exc:
        print(f"The portal is not configured: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # PortalInputError and friends: wrong input in plain words
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
