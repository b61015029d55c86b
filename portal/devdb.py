"""The private PostgreSQL cluster for development and tests, in the repository's .pg/ folder.

Standard library only, so the Makefile can run it before the venv exists:

    python3 portal/devdb.py start      # create the cluster if needed, then start it
    python3 portal/devdb.py url NAME   # the PORTAL_DATABASE_URL of database NAME
    python3 portal/devdb.py createdb NAME
    python3 portal/devdb.py stop | status

The cluster listens on a unix socket inside .pg/run and on no TCP port, so nothing outside this
machine's user (and root) can reach it. pg_ctl refuses to run as root: as root, the folder is
given to the `postgres` user and every server command runs as that user.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
# The socket path must stay under the kernel's 107-byte limit: keep the folder short.
DEFAULT_ROOT = REPO / ".pg"
PORT = 5432  # names the socket file only; there is no TCP listener
SUPERUSER = "postgres"
# A private throwaway cluster: durability traded for speed (tests create a database each).
SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off",
            "max_connections=200", "shared_buffers=128MB")


class ClusterError(RuntimeError):
    """The cluster could not be created, started or reached; the message says what to do."""


def _bindir() -> Path:
    """The newest installed PostgreSQL server's bin folder (Debian keeps them versioned)."""
    override = os.environ.get("PORTAL_PG_BIN")
    if override:
        return Path(override)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    raise ClusterError("PostgreSQL's server is not installed. Run `make venv` as root, or: "
                       "sudo apt-get install -y postgresql")


@dataclass(frozen=True)
class Cluster:
    """Where the private cluster lives, how it runs and how to reach it."""

    root: Path
    settings: tuple[str, ...] = SETTINGS

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        """The libpq URL of one database, through the socket folder."""
        return (f"postgresql://{SUPERUSER}@/{quote(database)}"
                f"?host={quote(str(self.socket_dir))}&port={PORT}")

    def _as_owner(self, argv: list[str]) -> list[str]:
        # pg_ctl and initdb refuse root; the server then runs as the postgres user.
        if os.geteuid() == 0:
            return ["runuser", "-u", SUPERUSER, "--", *argv]
        return argv

    def _run(self, argv: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(self._as_owner(argv), capture_output=True, text=True, check=False)
        if check and done.returncode != 0:
            raise ClusterError(f"{Path(argv[0]).name} failed ({done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()[-800:]}")
        return done

    def _give_to_owner(self) -> None:
        if os.geteuid() != 0:
            return
        user = pwd.getpwnam(SUPERUSER)
        for folder in (self.root, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
            os.chown(folder, user.pw_uid, user.pw_gid)
        if self.log.exists():
            os.chown(self.log, user.pw_uid, user.pw_gid)

    def created(self) -> bool:
        """Whether initdb has run here."""
        return (self.data / "PG_VERSION").exists()

    def create(self) -> None:
        """initdb with local trust: only the socket (mode 0700) reaches it."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        self._give_to_owner()
        self._run([str(_bindir() / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                   "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"])

    def running(self) -> bool:
        """Whether the server answers on its socket."""
        if not self.created():
            return False
        done = subprocess.run([str(_bindir() / "pg_isready"), "-q", "-h", str(self.socket_dir),
                               "-p", str(PORT)], check=False)
        return done.returncode == 0

    def start(self) -> bool:
        """Create and start the cluster if needed; True when this call started it."""
        if not self.created():
            self.create()
        if self.running():
            return False
        self._give_to_owner()
        options = " ".join([f"-k {self.socket_dir}", "-c listen_addresses=''", f"-p {PORT}",
                            "-c unix_socket_permissions=0700",
                            *(f"-c {s}" for s in self.settings)])
        self._run([str(_bindir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                   "-o", options, "-w", "-t", "60", "start"])
        deadline = time.monotonic() + 30
        while not self.running():
            if time.monotonic() > deadline:
                raise ClusterError(f"PostgreSQL did not start; see {self.log}")
            time.sleep(0.1)
        return True

    def stop(self) -> None:
        """Stop the server (fast: open sessions are ended); nothing if it is not running."""
        if self.running():
            self._run([str(_bindir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                       "stop"])

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL through psql on the socket; its output."""
        done = subprocess.run(
            [str(_bindir() / "psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
             "-h", str(self.socket_dir), "-p", str(PORT), "-U", SUPERUSER, "-d", database,
             "-c", sql], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ClusterError(done.stderr.strip() or f"psql failed ({done.returncode})")
        return done.stdout.strip()

    def createdb(self, name: str, template: str | None = None) -> None:
        """Create a database unless it exists."""
        if self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{_literal(name)}'"):
            return
        extra = f" TEMPLATE {_ident(template)}" if template else ""
        self.psql(f"CREATE DATABASE {_ident(name)}{extra}")

    def dropdb(self, name: str) -> None:
        """Drop a database and end its sessions."""
        self.psql(f"DROP DATABASE IF EXISTS {_ident(name)} WITH (FORCE)")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return text.replace("'", "''")


def _traversable_by_others(folder: Path) -> bool:
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in (folder, *folder.parents))


def cluster() -> Cluster:
    """The cluster of this checkout (PORTAL_PG_DIR moves it).

    As root the server runs as the postgres user, who must reach the folder: a checkout under
    a private home (/root) keeps its cluster in /tmp instead, one per checkout.
    """
    chosen = os.environ.get("PORTAL_PG_DIR")
    if chosen:
        return Cluster(Path(chosen).resolve())
    if os.geteuid() == 0 and not _traversable_by_others(REPO):
        digest = hashlib.sha256(str(REPO).encode()).hexdigest()[:10]
        return Cluster(Path(tempfile.gettempdir()) / f"warranty-desk-pg-{digest}")
    return Cluster(DEFAULT_ROOT)


def main(argv: list[str] | None = None) -> int:
    """The command line described in the module docstring."""
    args = list(sys.argv[1:] if argv is None else argv)
    command, rest = (args[0], args[1:]) if args else ("status", [])
    here = cluster()
    try:
        if command == "start":
            started = here.start()
            print(f"PostgreSQL {'started' if started else 'already running'}: {here.url()}")
        elif command == "stop":
            # The test workers' clusters beside it too (.pg/gw0 ...): a killed run leaves them.
            for one in (here, *(Cluster(p) for p in sorted(here.root.glob("gw*")))):
                one.stop()
            print("PostgreSQL stopped.")
        elif command == "status":
            print("running" if here.running() else "stopped")
            return 0 if here.running() else 3
        elif command == "url":
            print(here.url(rest[0] if rest else "portal"))
        elif command == "createdb":
            here.start()
            here.createdb(rest[0] if rest else "portal")
        else:
            print(f"Unknown command {command!r}: use start, stop, status, url NAME or "
                  "createdb NAME.", file=sys.stderr)
            return 2
    except ClusterError as exc:
        print(f"The private PostgreSQL cluster in {here.root}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
