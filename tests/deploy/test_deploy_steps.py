"""docs/deploy-steps.md run on this machine: its blocks, read from the doc, against a
PostgreSQL cluster of the test's own, the portal started as its systemd units start it, behind
nginx with the shipped site over HTTPS, a till pushing through it.

The blocks the test stands in for change the machine itself: packages (apt-get: the Makefile
installs what the test needs), user (adduser: the portal runs as the existing system user
`daemon`), install (pip from the package index: PORTAL_HOME runs this checkout with Debian's
python3), services, services-stop, services-start, upgrade-stop and upgrade-start (systemctl:
each unit's ExecStart runs as its User with its EnvironmentFile), logs (journalctl),
certificate (certbot: a self-signed certificate), proxy (/etc/nginx: the same file with the
same substitutions, checked with `nginx -t` and run by a private nginx), restart-postgresql
(the test restarts its cluster), pg-dump-nightly and base-backup-weekly (/etc/cron.d: the
test runs the base backup three times), and backups-off-site (another host).
step=recovery-target is given the moment the test noted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.deploy.deployed import (
    Machine,
    Services,
    certificate,
    curl,
    curl_home,
    install_portal,
    nginx_conf,
    nginx_running,
    sign_in,
    wait_until,
)
from tests.deploy.doc_steps import Steps, blocks
from tests.deploy.private_pg import PrivateCluster
from tests.liveportal.served import LivePortal, free_port
from tests.portal.support import RegisteredBranch
from tests.portal.till import push_all, till
from tests.sync.engine_helpers import make_claims

STOOD_IN_FOR = {"packages", "user", "install", "services", "logs", "certificate", "proxy",
                "services-stop", "services-start", "restart-postgresql", "pg-dump-nightly",
                "base-backup-weekly", "backups-off-site", "upgrade-stop", "upgrade-install",
                "upgrade-start"}
GIVEN = {"vars", "portal-command", "recovery-target"}
# In the doc's order; the test runs them in it too (branch-revoke last: it shuts the till out).
RUN = ["folders", "database", "settings", "migrate", "first-admin", "branch", "branch-rotate",
       "branch-revoke", "check", "pg-dump", "restore-dump", "restore-in-place", "restore-cleanup",
       "wal-archive", "base-backup", "wal-switch", "recover", "recover-dump", "recover-stop",
       "upgrade-backup", "upgrade-migrate"]


def test_every_block_of_the_doc_is_run_or_stood_in_for() -> None:
    assert set(blocks()) - (STOOD_IN_FOR | GIVEN | set(RUN)) == set(), "new steps to run"
    assert (STOOD_IN_FOR | GIVEN | set(RUN)) - set(blocks()) == set(), "steps gone from the doc"
    assert [step for step in blocks() if step in RUN] == RUN
    recovery = blocks()["recovery-target"].strip()
    assert re.fullmatch(r"RECOVERY_TARGET='[^']+'", recovery), recovery


def event_ids(pg: PrivateCluster, port: int | None = None, database: str = "portal") -> set[str]:
    """Every event head office holds."""
    return set(pg.sql("SELECT id FROM receiver_event", database, port))


@pytest.fixture
def root() -> Iterator[Path]:
    """The machine's folders, which the postgres user, the portal's user and nginx's workers
    reach (pytest's own tmp_path sits in a folder only root may enter)."""
    folder = Path(tempfile.mkdtemp(prefix="deploy-steps-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def kept_from(backups: Path, pg: PrivateCluster) -> str:
    """The WAL segment the older of the two kept base backups starts from."""
    bases = sorted(backups.glob("base-*"))
    assert len(bases) == 2, bases
    manifest = json.loads((bases[0] / "backup_manifest").read_text())
    start = manifest["WAL-Ranges"][0]["Start-LSN"]
    return pg.sql(f"SELECT pg_walfile_name('{start}')")[0]


def test_the_deploy_steps_run_from_a_bare_machine_to_backups_recovery_and_upgrade(
        root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = time.monotonic()
    assert os.geteuid() == 0, ("the doc's steps run as root (runuser, chown, pg_ctl as the "
                               "postgres user); run the deploy tests as root")
    assert shutil.which("nginx"), "nginx is not installed: `make system-packages` (nginx-light)"
    machine = Machine(root, free_port(), free_port(), free_port(), free_port(), free_port())
    values = machine.values
    pg = PrivateCluster(Path(values["PG_CONF_D"]).parent, Path(values["PGHOST"]),
                        machine.pg_port)
    certs = certificate(root / "certs")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certs / "fullchain.pem"))
    steps = Steps(values, {"PATH": os.environ["PATH"], "HOME": str(root),
                           "CURL_HOME": str(curl_home(machine, certs)), "LANG": "C.UTF-8"})
    log = root / "portal.log"
    with ExitStack() as stack:
        stack.callback(pg.stop)
        stack.callback(PrivateCluster(Path(values["RESTORE_PGDATA"]), pg.socket_dir,
                                      machine.restore_port).stop)
        pg.create()
        pg.pg_ctl("start")
        install_portal(Path(values["PORTAL_HOME"]))

        steps.run("folders", "database", "settings")
        assert pg.sql("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'") == ["pg_trgm"]
        assert oct(machine.env_path.stat().st_mode & 0o777) == "0o600"
        settings = machine.env_path.read_text()
        assert "CHANGE-ME" not in settings and 'PORTAL_SECRET_KEY=""' not in settings

        migrated = steps.run("migrate")
        assert "The portal's database is up to date." in migrated
        static = Path(values["PORTAL_STATE"]) / "static"
        assert (static / "staticfiles.json").exists(), migrated
        admin = steps.run("first-admin")
        assert re.search(r"it@example\.com is head-office admin", admin), admin
        assert pg.sql("SELECT u.is_staff, s.role FROM auth_user u JOIN staff_staffmember s "
                      "ON s.user_id = u.id WHERE u.username = 'it@example.com'") == ["t|admin"]
        registered = steps.run("branch")
        first_token = registered.strip().splitlines()[-1]
        rotated = re.search(r"A new sync token for BR01 .*:\n(\S+)\n", steps.run("branch-rotate"))
        assert rotated and rotated.group(1) != first_token
        token = rotated.group(1)
        branch_id = int(pg.sql("SELECT id FROM branches_branch WHERE code = 'BR01'")[0])

        services = Services(machine, log)
        stack.callback(services.stop)
        services.start()
        stack.enter_context(nginx_running(nginx_conf(machine, certs), machine.https_port))
        checked = steps.run("check")
        assert "301 https://localhost/office/" in checked, checked
        assert re.search(r"HTTP/\S+ 302", checked) and "/office/sign-in/" in checked, checked
        assert "strict-transport-security: max-age=31536000" in checked.lower(), checked
        # The first admin signs in over HTTPS; the session cookie is Secure and HTTP-only.
        cookies = sign_in(steps.env, "it@example.com", admin.strip().splitlines()[-1])
        assert re.search(r"^#HttpOnly_localhost\tFALSE\t/\tTRUE\t\d+\tsessionid\t", cookies,
                         re.M), cookies

        # nginx serves the static files itself, cached for good, and refuses a body past
        # a document's 26 MB before gunicorn reads it.
        manifest = json.loads((static / "staticfiles.json").read_text())["paths"]
        served = curl(steps.env, "-I", f"https://localhost/static/{manifest['admin/css/base.css']}")
        assert re.search(r"^HTTP/\S+ 200", served) and "public, immutable" in served, served
        big = root / "big.bin"
        with big.open("wb") as body:
            body.truncate(27 * 1024 * 1024)
        refused = curl(steps.env, "-o", "/dev/null", "-w", "%{http_code}", "--data-binary",
                       f"@{big}", "https://localhost/api/v1/documents/missing")
        assert refused == "413", refused

        # A till of branch BR01 pushes its records over HTTPS through nginx.
        web = services.running["warranty-desk-portal.service"]
        live = LivePortal(f"https://localhost:{machine.https_port}/api/v1", web, log)
        branch = RegisteredBranch("BR01", token, branch_id)
        _, shop = till(tmp_path, branch, claims=3)
        first = push_all(shop, live, branch)
        pushed = event_ids(pg)
        assert first > 0 and len(pushed) == first
        # The worker's unit projects what arrived: its jobs run and none fails.
        wait_until(lambda: pg.sql("SELECT count(*) FROM procrastinate_jobs WHERE status IN "
                                  "('todo', 'doing') AND coalesce(scheduled_at, now()) <= now()")
                   == ["0"], "the worker's jobs", seconds=120)
        assert pg.sql("SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'") == ["0"]

        # pg_dump, and its restore beside the live database, hold the same records.
        steps.run("pg-dump")
        restored = steps.run("restore-dump")
        assert re.search(rf"^\s*{first} \|", restored, re.M), restored
        assert event_ids(pg, database="portal_restored") == pushed
        assert pg.sql("SELECT code FROM branches_branch", "portal_restored") == ["BR01"]
        # ... and it takes the live one's place while the services are stopped.
        services.stop()
        steps.run("restore-in-place")
        services.start()
        assert event_ids(pg) == pushed
        steps.run("restore-cleanup")
        assert pg.sql("SELECT datname FROM pg_database WHERE datname LIKE 'portal%'",
                      "postgres") == ["portal"]

        # Point-in-time recovery: archiving on, a base backup, more records, a moment noted,
        # more records after it; the recovered cluster holds exactly those before the moment.
        steps.run("wal-archive")
        pg.pg_ctl("restart")
        steps.run("base-backup")
        make_claims(shop, 2, serial_prefix="PITR-A")
        push_all(shop, live, branch)
        before = event_ids(pg)
        time.sleep(0.2)
        target = pg.sql("SELECT clock_timestamp()")[0]
        time.sleep(0.2)
        make_claims(shop, 2, serial_prefix="PITR-B")
        push_all(shop, live, branch)
        after = event_ids(pg)
        assert pushed < before < after
        assert "is archived" in steps.run("wal-switch")
        recovered = steps.run("recover", before=f"RECOVERY_TARGET='{target}'\n")
        assert re.search(rf"^\s*{len(before)} \|", recovered, re.M), recovered
        assert event_ids(pg, machine.restore_port) == before
        steps.run("recover-dump")
        assert [d.stat().st_size > 0
                for d in Path(values["BACKUPS"]).glob("portal-recovered-*.dump")] == [True]
        steps.run("recover-stop")
        assert not Path(values["RESTORE_PGDATA"]).exists()

        # Two more weeks' base backups: the newest two are kept, and the archive keeps the WAL
        # from the older one's start on, nothing before.
        for _ in range(2):
            time.sleep(1.1)  # base backups are named by the second they start
            steps.run("base-backup")
        assert kept_from(Path(values["BACKUPS"]), pg) == sorted(
            path.name for path in Path(values["WAL_ARCHIVE"]).iterdir()
            if re.fullmatch(r"[0-9A-F]{24}", path.name))[0]

        # Upgrading: the worker stopped, a dump, migrate (nothing new: it changes nothing),
        # the web server restarted, the worker started; the portal serves again.
        services.stop("warranty-desk-portal-worker.service")
        tables = pg.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        steps.run("upgrade-backup")
        dumps = sorted(Path(values["BACKUPS"]).glob("portal-before-upgrade-*.dump"))
        assert len(dumps) == 1 and dumps[0].stat().st_size > 0
        upgraded = steps.run("upgrade-migrate")
        assert "No migrations to apply." in upgraded, upgraded
        assert pg.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == tables
        services.stop()
        services.start()
        make_claims(shop, 1, serial_prefix="UPGRADED")
        assert push_all(shop, live, branch) > 0
        assert event_ids(pg) > after
        assert "301 https://localhost/office/" in steps.run("check")

        # A lost till is shut out: its token is refused from the moment it is revoked.
        inbox = ("-o", "/dev/null", "-w", "%{http_code}", "-H", f"Authorization: Bearer {token}",
                 "https://localhost/api/v1/branches/BR01/inbox")
        assert curl(steps.env, *inbox) == "200"
        assert "Revoked 2 token(s) of BR01" in steps.run("branch-revoke")
        assert curl(steps.env, *inbox) == "401"
    print(f"deploy steps ran in {time.monotonic() - started:.1f} s")
