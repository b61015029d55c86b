"""A real trytond 8 (party module, SQLite) on loopback for the CRM connector's tests."""

from __future__ import annotations

import importlib.metadata
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.processes import stop

DATABASE = "crm"
USER = "admin"
# Initialising a database takes most of the fixture's time, so the ready file is kept per
# trytond and party version and copied for each run; `make clean`-style wipes just redo it.
CACHE_ROOT = Path(__file__).resolve().parents[2] / ".bench-cache"
START_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class TrytonServer:
    """Where the test server listens and how to log in to it."""

    url: str
    database: str
    user: str
    password: str
    log: Path


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _write_config(folder: Path, port: int) -> Path:
    conf = folder / "trytond.conf"
    conf.write_text(
        "[database]\n"
        "uri = sqlite://\n"
        f"path = {folder}\n"
        "[web]\n"
        f"listen = 127.0.0.1:{port}\n"
        # A throwaway test password: no strength rules to satisfy.
        "[password]\n"
        "length = 0\n"
        "entropy = 0\n"
        "[session]\n"
        # The connector logs in again and again across tests; never rate-limit loopback.
        "max_attempt = 1000\n"
        "max_attempt_ip_network = 1000\n",
        encoding="utf-8",
    )
    return conf


def _admin(conf: Path, password_file: Path, log: Path, *args: str) -> None:
    env = {**os.environ, "TRYTONPASSFILE": str(password_file)}
    with log.open("ab") as out:
        subprocess.run([_bin("trytond-admin"), "-c", str(conf), "-d", DATABASE, *args],
                       check=True, env=env, stdin=subprocess.DEVNULL, stdout=out,
                       stderr=subprocess.STDOUT, timeout=300)


def _cache_dir() -> Path:
    key = (f"tryton-{importlib.metadata.version('trytond')}"
           f"-party-{importlib.metadata.version('trytond-party')}")
    return CACHE_ROOT / key


def _initialised(folder: Path, log: Path) -> str:
    """Put a ready database file in `folder` (from the cache when there); return its password."""
    cache = _cache_dir()
    db_file = f"{DATABASE}.sqlite"
    if (cache / db_file).is_file() and (cache / "password").is_file():
        shutil.copyfile(cache / db_file, folder / db_file)
        return (cache / "password").read_text(encoding="utf-8")
    password = secrets.token_urlsafe(18)
    password_file = folder / "password"
    password_file.write_text(password, encoding="utf-8")
    password_file.chmod(0o600)
    conf = _write_config(folder, _free_port())
    # The SQLite backend opens an existing file only; an empty one is a blank database.
    (folder / db_file).touch()
    # Tryton 8: create the base first (--all), then activate party and what it needs.
    # --email answers the prompt trytond-admin would otherwise read from a terminal.
    _admin(conf, password_file, log, "--all", "--email", "admin@example.com")
    _admin(conf, password_file, log, "-u", "party", "--activate-dependencies")
    # Another test process may fill the cache at the same time: publish by atomic rename.
    staging = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    staging.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / db_file, staging / db_file)
    shutil.copyfile(password_file, staging / "password")
    try:
        staging.rename(cache)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return password


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"trytond exited early; see {log}")
        try:
            reply = requests.post(f"{url}/rpc/", json={
                "id": 0, "method": "common.server.version", "params": []}, timeout=2)
            if reply.ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"trytond did not answer within {START_TIMEOUT:.0f} s; see {log}")


@contextmanager
def running_tryton(folder: Path) -> Iterator[TrytonServer]:
    """Start trytond on a free loopback port over a fresh copy of the party database."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "trytond.log"
    password = _initialised(folder, log)
    port = _free_port()
    conf = _write_config(folder, port)
    with log.open("ab") as out:
        process = subprocess.Popen([_bin("trytond"), "-c", str(conf), "-d", DATABASE],
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield TrytonServer(url, DATABASE, USER, password, log)
    finally:
        stop(process, 10)
