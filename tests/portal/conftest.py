"""Portal fixtures: the private PostgreSQL cluster, a fresh database per module, a live portal.

The cluster is the repository's own (.pg/, started here if it is not running and stopped
again at the end if this session started it). A template database is migrated once per
session; each test module gets a copy of it (CREATE DATABASE ... TEMPLATE, a fraction of a
second) and, where it asks for one, a real gunicorn serving that copy on a loopback port.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import django
import pytest

from portal.devdb import cluster
from tests.portal.support import (
    SETTINGS,
    TEMPLATE,
    LivePortal,
    PortalCluster,
    PortalDatabase,
    RegisteredBranch,
    free_port,
    portal_command,
    portal_env,
    register,
    use_database,
    wait_for_port,
)

# Django is set up when this folder is collected, before its test modules import models; it
# connects to nothing until the session fixture below has the cluster running.
os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
os.environ["PORTAL_DATABASE_URL"] = cluster().url(TEMPLATE)
os.environ["PORTAL_MEDIA_ROOT"] = MEDIA = tempfile.mkdtemp(prefix="portal-media-")
django.setup()


@pytest.fixture(scope="session")
def pg() -> Iterator[PortalCluster]:
    """The private cluster running, with a migrated template database."""
    from django.core.management import call_command
    from django.db import connections

    here = cluster()
    started = here.start()
    here.dropdb(TEMPLATE)
    here.createdb(TEMPLATE)
    call_command("migrate", interactive=False, verbosity=0)
    connections.close_all()  # a template with a session open cannot be copied
    try:
        yield PortalCluster(here, Path(MEDIA))
    finally:
        connections.close_all()
        here.dropdb(TEMPLATE)
        shutil.rmtree(MEDIA, ignore_errors=True)
        if started:
            here.stop()


@pytest.fixture(scope="module")
def portal_db(pg: PortalCluster) -> Iterator[PortalDatabase]:
    """A fresh, migrated database for one test module; Django's connection points at it."""
    name = f"portal_test_{secrets.token_hex(4)}"
    pg.cluster.createdb(name, template=TEMPLATE)
    use_database(name)
    try:
        yield PortalDatabase(name, pg.cluster.url(name), pg)
    finally:
        use_database(TEMPLATE)
        pg.cluster.dropdb(name)


@pytest.fixture(scope="module")
def live_portal(portal_db: PortalDatabase, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LivePortal]:
    """`warranty-desk-portal serve` on a free loopback port, for the module's database."""
    port = free_port()
    log = tmp_path_factory.mktemp("portal-log") / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            portal_command("serve", "--host", "127.0.0.1", "--port", str(port),
                           "--workers", "1", "--threads", "4"),
            env=portal_env(portal_db), stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, log)
        yield LivePortal(f"http://127.0.0.1:{port}/api/v1", process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def branch(portal_db: PortalDatabase) -> RegisteredBranch:
    """A freshly registered branch."""
    return register()
