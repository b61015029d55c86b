"""A PostgreSQL cluster of the test's own, laid out like Debian's: TCP on localhost with
passwords, peer on its socket, conf.d included; run as the postgres user."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from portal.devdb import _bindir

# Durability is not under test (a crash is not simulated): WAL content and archiving are the
# same with fsync off.
_SETTINGS = "fsync = off\nshared_buffers = 64MB\nmax_connections = 60\ninclude_dir = 'conf.d'\n"


def as_postgres(*argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """A PostgreSQL program run as the postgres user (the server refuses root)."""
    done = subprocess.run(["runuser", "-u", "postgres", "--", *argv], capture_output=True,
                          text=True, check=False, timeout=300)
    assert not check or done.returncode == 0, f"{argv[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done


@dataclass(frozen=True)
class PrivateCluster:
    """The data folder, socket folder and port of a cluster this test made."""

    data: Path
    socket_dir: Path
    port: int

    def create(self) -> None:
        """initdb with Debian's defaults: peer on the socket, scram-sha-256 over TCP."""
        for folder in (self.data.parent, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["chown", "postgres:postgres", str(self.data.parent),
                        str(self.socket_dir)], check=True)
        as_postgres(str(_bindir() / "initdb"), "-D", str(self.data), "-U", "postgres",
                    "--auth-local=peer", "--auth-host=scram-sha-256", "--encoding=UTF8",
                    "--locale=C.UTF-8", "--no-sync")
        as_postgres("mkdir", str(self.data / "conf.d"))
        settings = (f"{_SETTINGS}port = {self.port}\nlisten_addresses = 'localhost'\n"
                    f"unix_socket_directories = '{self.socket_dir}'\n")
        self._append(settings)

    def _append(self, settings: str) -> None:
        done = subprocess.run(["runuser", "-u", "postgres", "--", "tee", "-a",
                               str(self.data / "postgresql.conf")], input=settings, text=True,
                              capture_output=True, check=False)
        assert done.returncode == 0, done.stderr

    def pg_ctl(self, action: str) -> None:
        """start, stop or restart, waiting for it."""
        as_postgres(str(_bindir() / "pg_ctl"), "-D", str(self.data), "-l",
                    str(self.data.parent / f"{self.data.name}.log"), "-m", "fast", "-w",
                    "-t", "60", action)

    def stop(self) -> None:
        """Stop it if it runs (a test that failed half-way leaves no server behind)."""
        if (self.data / "postmaster.pid").exists():
            as_postgres(str(_bindir() / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                        "-w", "stop", check=False)

    def sql(self, query: str, database: str = "portal", port: int | None = None) -> list[str]:
        """Rows of a query as the postgres user on the socket, one line each."""
        done = as_postgres(str(_bindir() / "psql"), "-X", "-q", "-t", "-A", "-v",
                           "ON_ERROR_STOP=1", "-h", str(self.socket_dir), "-p",
                           str(port or self.port), "-d", database, "-c", query)
        return [line for line in done.stdout.splitlines() if line]
