"""What the portal tests share: the cluster and databases they run on, and the live portal."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from portal.devdb import Cluster
from tests.conftest import pinned_clock

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parents[2]
SETTINGS = "portal.settings.dev"
TEMPLATE = f"portal_template_{os.getpid()}"
# Where every portal process of a test run stands its clock: noon (UTC) on the tills' TODAY.
NOON = pinned_clock().now()


@dataclass(frozen=True)
class PortalCluster:
    """The running cluster, the migrated template, and where documents go."""

    cluster: Cluster
    media_root: Path


def use_database(name: str) -> None:
    """Point this process's Django connections at another database of the cluster."""
    from django.conf import settings
    from django.db import connections

    from portal.receiver import partitions

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    partitions.forget()


@dataclass(frozen=True)
class PortalDatabase:
    """A module's own database, a copy of the migrated template."""

    name: str
    url: str
    pg: PortalCluster


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def portal_env(db: PortalDatabase) -> dict[str, str]:
    """The environment a portal process of this module runs with."""
    return {**os.environ, "PYTHONPATH": str(REPO), "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PORTAL_DATABASE_URL": db.url, "PORTAL_MEDIA_ROOT": str(db.pg.media_root),
            "PORTAL_CLOCK_AT": NOON.isoformat()}


def portal_command(*args: str) -> list[str]:
    """warranty-desk-portal ARGS, run from this checkout."""
    return [sys.executable, "-m", "portal.cli", *args]


@dataclass
class LivePortal:
    """gunicorn serving a module's database on loopback."""

    url: str  # with the contract's base path
    process: subprocess.Popen[bytes]
    log: Path


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The portal exited with {process.returncode}:\n"
                               f"{log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"The portal did not listen within 30 s:\n{log.read_text()[-2000:]}")


@contextmanager
def served(db: PortalDatabase, log: Path, threads: int = 4, **env: str
           ) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """`warranty-desk-portal serve` on a free loopback port (with `env` added): port, process."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            portal_command("serve", "--host", "127.0.0.1", "--port", str(port),
                           "--workers", "1", "--threads", str(threads)),
            env={**portal_env(db), **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, log)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
