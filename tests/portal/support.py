"""What the portal tests share: the cluster and databases they run on, and the live portal."""

from __future__ import annotations

import secrets
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tests.liveportal.served import (
    NOON,
    REPO,
    SETTINGS,
    TEMPLATE,
    LivePortal,
    PortalCluster,
    PortalDatabase,
    free_port,
    portal_command,
    portal_env,
    served,
    use_database,
    wait_for_port,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# The cluster, its databases and the served portal are shared with the tills' sync tests
# (tests/liveportal); these names stay importable from here for the portal tests.
__all__ = [
    "NOON",
    "REPO",
    "SETTINGS",
    "TEMPLATE",
    "LivePortal",
    "PortalCluster",
    "PortalDatabase",
    "RegisteredBranch",
    "chromium",
    "claims_rolled",
    "free_port",
    "full_scans",
    "numbered_id",
    "portal_command",
    "portal_env",
    "register",
    "run_worker",
    "served",
    "use_database",
    "wait_for_port",
]


def numbered_id(n: int) -> str:
    """Event n's id: a UUIDv7 dated n ms after 09:00 UTC on 22 November 2026, n in its last bits."""
    millis = int(datetime(2026, 11, 22, 9, tzinfo=UTC).timestamp() * 1000) + n
    return str(uuid.UUID(int=(millis << 80) | (0x7 << 76) | (0b10 << 62) | n))


@contextmanager
def chromium(args: list[str]) -> Iterator[Browser]:
    """Debian's chromium through Playwright's sync API (its own event loop on this thread:
    make a module's records before, Django refuses database calls beside one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            yield launched
        finally:
            launched.close()


@dataclass(frozen=True)
class RegisteredBranch:
    """A branch head office registered, with the token it was given."""

    code: str
    token: str
    pk: int


def register(code: str | None = None) -> RegisteredBranch:
    """Register a branch on a code no other test of the module uses."""
    from portal.branches.services import register_branch

    branch, token = register_branch(code or "T" + secrets.token_hex(2).upper())
    return RegisteredBranch(branch.code, token, branch.pk)


def run_worker(db: PortalDatabase, **env: str) -> str:
    """`warranty-desk-portal worker --until-idle` on the module's database; no job may fail.

    `env` adds to the worker's environment (PORTAL_SMTP_PORT=... for a test's mail server);
    returns what the worker logged.
    """
    from django.db import connection

    done = subprocess.run(portal_command("worker", "--until-idle"), env=portal_env(db) | env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    with connection.cursor() as cursor:  # a job that raised is kept as failed, not retried
        cursor.execute("SELECT task_name FROM procrastinate_jobs WHERE status = 'failed'")
        assert not cursor.fetchall(), done.stderr[-3000:]
    return done.stdout + done.stderr


def full_scans(plan: str, table: str) -> list[str]:
    """Scans of `table` that read all of it: a Seq Scan, or an index walked without a
    condition (what the planner picks instead when sequential scans are priced out).
    """
    lines = plan.splitlines()
    found = []
    for at, line in enumerate(lines):
        if f" on {table} " not in f"{line} " or "Bitmap Heap Scan" in line:
            continue
        detail = []
        for more in lines[at + 1:]:
            if "->" in more:
                break
            detail.append(more)
        if "Seq Scan" in line or not any("Index Cond" in d for d in detail):
            found.append(line.strip())
    return found


def claims_rolled(table: str = "projections_claimroll") -> list[tuple[Any, ...]]:
    """The metric page's claims roll-up (or, given its view projections_claimroll_source,
    what it should hold), every row in claim order."""
    import importlib

    from django.db import connection

    rolls = importlib.import_module(
        "portal.projections.migrations.0016_claim_roll_next_same")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {rolls.COLUMNS} FROM {table} ORDER BY claim_id")
        return list(cursor.fetchall())


def sales_counted() -> list[tuple[Any, ...]]:
    """The metric page's sales roll-up (projections_salescount), every group in key order."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sold_on, branch_id, product_id, has_serial, status, count "
                       "FROM projections_salescount ORDER BY 1, 2, 3, 4, 5")
        return list(cursor.fetchall())
