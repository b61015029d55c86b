"""The real portal for tests: Django in this process (set up on first use), the private
PostgreSQL cluster with a migrated template, and gunicorn serving a database of it."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from portal.devdb import Cluster, cluster
from tests.conftest import pinned_clock
from tests.processes import stop

REPO = Path(__file__).resolve().parents[2]
SETTINGS = "portal.settings.dev"
TEMPLATE = f"portal_template_{os.getpid()}"
# Where every portal process of a test run stands its clock: noon (UTC) on the tills' TODAY.
NOON = pinned_clock().now()
_MEDIA: list[Path] = []


def worker_cluster() -> Cluster:
    """This test process's cluster: the checkout's own, or under pytest-xdist one per worker.

    A worker's cluster lives beside the checkout's (.pg/gw0, .pg/gw1 ...) with its own data and
    socket folder, so a worker that started its cluster stops only that one when it ends,
    never one another worker is still using.
    """
    here = cluster()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return Cluster(here.root / worker) if worker else here


def django_ready() -> Path:
    """Set Django up in this process once (connecting to nothing yet); where documents go.

    Only tests that use the portal call this, so the rest of the suite never loads Django.
    """
    if _MEDIA:
        return _MEDIA[0]
    import django
    from django.conf import settings

    from warranty_desk.clock import FixedClock

    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["PORTAL_DATABASE_URL"] = worker_cluster().url(TEMPLATE)
    media = Path(tempfile.mkdtemp(prefix="portal-media-"))
    os.environ["PORTAL_MEDIA_ROOT"] = str(media)
    django.setup()
    # Portal processes the tests start get theirs from PORTAL_CLOCK_AT (portal_env).
    settings.PORTAL_CLOCK = FixedClock(NOON)
    _MEDIA.append(media)
    return media


@dataclass(frozen=True)
class PortalCluster:
    """The running cluster, the migrated template, and where documents go."""

    cluster: Cluster
    media_root: Path


@dataclass(frozen=True)
class PortalDatabase:
    """A database of the cluster, a copy of the migrated template."""

    name: str
    url: str
    pg: PortalCluster


@dataclass
class LivePortal:
    """gunicorn serving a database on loopback."""

    url: str  # with the contract's base path
    process: subprocess.Popen[bytes]
    log: Path


def current_database() -> str:
    """The database this process's Django connection points at."""
    from django.conf import settings

    return str(settings.DATABASES["default"]["NAME"])


def use_database(name: str) -> None:
    """Point this process's Django connections at another database of the cluster."""
    from django.conf import settings
    from django.db import connections

    from portal.receiver import partitions

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    partitions.forget()


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def portal_env(db: PortalDatabase) -> dict[str, str]:
    """The environment a portal process on this database runs with."""
    return {**os.environ, "PYTHONPATH": str(REPO), "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PORTAL_DATABASE_URL": db.url, "PORTAL_MEDIA_ROOT": str(db.pg.media_root),
            "PORTAL_CLOCK_AT": NOON.isoformat()}


def portal_command(*args: str) -> list[str]:
    """warranty-desk-portal ARGS, run from this checkout."""
    return [sys.executable, "-m", "portal.cli", *args]


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Return once the process listens on the port; its log when it exits or never does."""
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


def warm_up(port: int) -> None:
    """One answered request: gunicorn listens before its worker has loaded Django, so the
    first request would also wait for the worker's start (over 10 s on a loaded machine),
    and a test's timeout is for the request it makes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()  # any status: Django answered
    finally:
        connection.close()


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
        warm_up(port)
        yield port, process
    finally:
        stop(process, 15)


@contextmanager
def serving(db: PortalDatabase, log: Path, *, threads: int = 4) -> Iterator[LivePortal]:
    """The served portal for a database, as a LivePortal with the contract's base path."""
    with served(db, log, threads) as (port, process):
        yield LivePortal(f"http://127.0.0.1:{port}/api/v1", process, log)


_RUNNING: list[PortalCluster] = []


@contextmanager
def started_cluster() -> Iterator[PortalCluster]:
    """The private cluster running with a migrated template; stopped after if started here.

    Re-entrant: inside a session that has it already (the `pg` fixture), the benchmark's own
    portal uses the same cluster and template rather than dropping them under the tests.
    """
    if _RUNNING:
        yield _RUNNING[0]
        return
    import shutil

    media = django_ready()
    from django.core.management import call_command
    from django.db import connections

    here = worker_cluster()
    started = here.start()
    here.dropdb(TEMPLATE)
    here.createdb(TEMPLATE)
    call_command("migrate", interactive=False, verbosity=0)
    connections.close_all()  # a template with a session open cannot be copied
    _RUNNING.append(PortalCluster(here, media))
    try:
        yield _RUNNING[0]
    finally:
        _RUNNING.clear()
        connections.close_all()
        here.dropdb(TEMPLATE)
        shutil.rmtree(media, ignore_errors=True)
        if started:
            here.stop()


@contextmanager
def database_copy(pg: PortalCluster, name: str) -> Iterator[PortalDatabase]:
    """A fresh copy of the migrated template, dropped at the end."""
    pg.cluster.createdb(name, template=TEMPLATE)
    try:
        yield PortalDatabase(name, pg.cluster.url(name), pg)
    finally:
        if current_database() == name:
            use_database(TEMPLATE)
        pg.cluster.dropdb(name)
