"""A claim started online on a known warranty, pulled by `warranty-desk sync`: the holder stays the
claim's customer, and `lookup` shows who claimed it with the phone they gave."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import sqlite_file
from tests.e2e.cli import run
from tests.e2e.test_cli_sync import (  # noqa: F401  (fixtures)
    configure,
    demo_template,
    file_secrets,
    home,
)
from tests.liveportal.branch_view import BranchPortal

pytestmark = pytest.mark.slow

AT = "2026-11-22T09:00:00+00:00"
GRACE = {"name": "Grace Hopper", "phone": "+1 202 555 0100"}


def rows(folder: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite_file(folder / "warranty-desk.sqlite3") as conn:
        return conn.execute(sql).fetchall()


def test_who_claimed_online_is_kept_beside_the_holder_and_shown_by_lookup(
    home: Path, portal: BranchPortal  # noqa: F811
) -> None:
    configure(home, portal)
    codes = [c for (c,) in rows(home, "SELECT code FROM warranties WHERE status = 'active' "
                                      "ORDER BY end_on DESC LIMIT 5")]
    portal.queue_items({"id": f"web-{n}", "kind": "claim_started", "created_at": AT,
                        "payload": {"warranty_code": code, "fault": "Will not charge",
                                    "customer": GRACE}} for n, code in enumerate(codes))
    run(home, "sync")
    opened = rows(home, "SELECT k.number, c.name, k.claimant_name, k.claimant_phone FROM "
                        "claims k JOIN customers c ON c.id = k.customer_id "
                        "WHERE k.external_ref LIKE 'web-%'")
    assert opened, run(home, "sync", "inbox").stdout
    number, holder, name, phone = opened[0]
    assert holder != "Grace Hopper" and (name, phone) == ("Grace Hopper", "+1 202 555 0100")
    shown = run(home, "lookup", str(number))
    assert shown.returncode == 0, shown.stderr
    assert f"customer {holder}" in shown.stdout
    assert (f"claim {number} (2026-11-22): received – Will not charge; claimed by Grace Hopper "
            "(+1 202 555 0100)") in shown.stdout
