"""The machine the deploy test stands in for: its folders, the portal's processes as the units
start them, nginx with the shipped site and a self-signed certificate, and a till."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.deploy.doc_steps import PACKAGING, REPO, doc_vars, env_file, exec_start, unit_setting
from tests.liveportal.served import wait_for_port
from tests.processes import stop

# An unprivileged system user with a group of its own name, as `adduser --system --group`
# makes one; the test does not add users to this machine.
PORTAL_USER = "daemon"
UNITS = ("warranty-desk-portal.service", "warranty-desk-portal-worker.service")


@dataclass(frozen=True)
class Machine:
    """Where the doc's names point on this machine."""

    root: Path
    pg_port: int
    web_port: int
    https_port: int
    http_port: int
    restore_port: int

    @property
    def values(self) -> dict[str, str]:
        """A value for each name the doc's step=vars exports."""
        r = self.root
        return {"PORTAL_DOMAIN": "localhost", "RELEASE": str(REPO), "PORTAL_USER": PORTAL_USER,
                "PORTAL_HOME": str(r / "opt"), "PORTAL_ENV": str(r / "etc" / "portal.env"),
                "PORTAL_STATE": str(r / "state"), "PG_BIN": str(pg_bin()),
                "PG_CONF_D": str(r / "pg" / "main" / "conf.d"), "PGHOST": str(r / "run"),
                "PGPORT": str(self.pg_port), "BACKUPS": str(r / "backups"),
                "WAL_ARCHIVE": str(r / "backups" / "wal"),
                "RESTORE_PGDATA": str(r / "pg" / "restore"), "RESTORE_PORT": str(self.restore_port)}

    @property
    def env_path(self) -> Path:
        return Path(self.values["PORTAL_ENV"])


def pg_bin() -> Path:
    """This machine's PostgreSQL programs (the doc names Debian 12's, 15)."""
    from portal.devdb import _bindir

    return _bindir()


def install_portal(home: Path) -> None:
    """PORTAL_HOME as `pip install "$RELEASE[portal]"` leaves it, but running this checkout
    with the shared venv's packages: installing from the package index needs the network.

    Debian's own python3 runs it, as in the doc's virtualenv: the shared venv's interpreter
    lives in root's home, which the portal's user may not enter.
    """
    python = Path("/usr/bin/python3")
    found = subprocess.run([str(python), "-c", "import sys; print(sys.version_info[:2])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert found == str(sys.version_info[:2]), f"Debian's python3 is {found}, the venv's is not"
    (home / "bin").mkdir(parents=True)
    script = home / "bin" / "warranty-desk-portal"
    packages = sysconfig.get_paths()["purelib"]
    script.write_text(f"#!/bin/sh\nPYTHONPATH={REPO}:{packages} PYTHONDONTWRITEBYTECODE=1 "
                      f"exec {python} -m portal.cli \"$@\"\n")
    script.chmod(0o755)


def unit_command(unit: str, machine: Machine) -> list[str]:
    """The unit's ExecStart with this machine's PORTAL_HOME and the web server's port."""
    argv = exec_start(unit)
    default_home = doc_vars()["PORTAL_HOME"]
    assert argv[0].startswith(default_home + "/"), argv
    argv[0] = machine.values["PORTAL_HOME"] + argv[0].removeprefix(default_home)
    if "--port" in argv:
        argv[argv.index("--port") + 1] = str(machine.web_port)
    return argv


def unit_started(unit: str, machine: Machine, log: Path) -> subprocess.Popen[bytes]:
    """The unit's process as systemd would start it: as its user, with its EnvironmentFile."""
    assert unit_setting(unit, "User") == doc_vars()["PORTAL_USER"]
    assert unit_setting(unit, "EnvironmentFile") == doc_vars()["PORTAL_ENV"]
    env = {"PATH": os.environ["PATH"], **env_file(machine.env_path)}
    argv = unit_command(unit, machine)
    with log.open("ab") as out:
        process = subprocess.Popen(["runuser", "-u", PORTAL_USER, "--", *argv], env=env,
                                   cwd=machine.values["PORTAL_STATE"], stdout=out,
                                   stderr=subprocess.STDOUT)
    if "--port" in argv:
        try:
            wait_for_port(machine.web_port, process, log)
        except BaseException:
            stop(process, 10)
            raise
    return process


@dataclass
class Services:
    """The web server's and the worker's units, started and stopped as systemctl would."""

    machine: Machine
    log: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, *units: str) -> None:
        for unit in units or UNITS:
            self.running[unit] = unit_started(unit, self.machine, self.log)

    def stop(self, *units: str) -> None:
        # The worker first, as the doc's upgrade does: it finishes the jobs it started.
        for unit in units or UNITS[::-1]:
            found = self.running.pop(unit, None)
            if found is not None:
                stop(found, 90)


def certificate(folder: Path) -> Path:
    """A self-signed certificate for localhost (certbot's fullchain.pem and privkey.pem)."""
    folder.mkdir(parents=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
                   check=True, capture_output=True)
    return folder


def site(machine: Machine, certs: Path) -> str:
    """nginx-portal.conf with the domain and state folder as step=proxy puts them, and the
    certificate, ports and upstream this machine uses; each replaced text must be there."""
    text = (PACKAGING / "nginx-portal.conf").read_text()
    values = machine.values
    for old, new in (("portal.example.com", values["PORTAL_DOMAIN"]),
                     ("/var/lib/warranty-desk-portal", values["PORTAL_STATE"]),
                     (f"/etc/letsencrypt/live/{values['PORTAL_DOMAIN']}", str(certs)),
                     ("listen 80;", f"listen 127.0.0.1:{machine.http_port};"),
                     ("listen [::]:80;", ""),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{machine.https_port} ssl http2;"),
                     ("listen [::]:443 ssl http2;", ""),
                     ("server 127.0.0.1:8800", f"server 127.0.0.1:{machine.web_port}")):
        assert old in text, f"nginx-portal.conf no longer holds {old!r}"
        text = text.replace(old, new)
    return text


def nginx_conf(machine: Machine, certs: Path) -> Path:
    """A whole nginx.conf around the site, its logs and temporary files in the test's folder."""
    folder = machine.root / "nginx"
    folder.mkdir()
    (folder / "site.conf").write_text(site(machine, certs))
    temp = "".join(f"    {kind}_temp_path {folder}/{kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = folder / "nginx.conf"
    conf.write_text(f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
                    f"error_log {folder}/error.log;\nevents {{}}\nhttp {{\n"
                    f"    include /etc/nginx/mime.types;\n    access_log {folder}/access.log;\n"
                    f"{temp}    include {folder}/site.conf;\n}}\n")
    return conf


@contextmanager
def nginx_running(conf: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """nginx in the foreground with that configuration, checked with `nginx -t` first."""
    checked = subprocess.run(["nginx", "-t", "-c", str(conf)], capture_output=True, text=True,
                             check=False)
    assert checked.returncode == 0, checked.stderr
    log = conf.parent / "nginx.out"
    with log.open("wb") as out:
        process = subprocess.Popen(["nginx", "-c", str(conf)], stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, log)
        yield process
    finally:
        stop(process, 10)


def curl_home(machine: Machine, certs: Path) -> Path:
    """A .curlrc sending the doc's https://$PORTAL_DOMAIN/ and http:// to the test's nginx,
    trusting its certificate (curl reads it from CURL_HOME)."""
    folder = machine.root / "curl"
    folder.mkdir()
    (folder / ".curlrc").write_text(
        f'connect-to = "localhost:443:127.0.0.1:{machine.https_port}"\n'
        f'connect-to = "localhost:80:127.0.0.1:{machine.http_port}"\n'
        f'cacert = "{certs / "fullchain.pem"}"\n')
    return folder



def sign_in(curl_env: dict[str, str], email: str, password: str) -> str:
    """Sign in at https://localhost/office/ with curl as a browser does (its cookies, the form's
    CSRF token, the page as the Referer); the cookie jar, after the office page answered 200.

    curl, not requests: the .curlrc sends port 443 to the test's nginx, so the Host and Referer
    are what a browser sends to the real name (nginx passes $host, which drops a port).
    """
    jar = Path(curl_env["CURL_HOME"]) / "cookies.txt"
    page = "https://localhost/office/sign-in/"
    cookies = ("-c", str(jar), "-b", str(jar))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      curl(curl_env, *cookies, page))
    assert token, "the sign-in page has no CSRF token"
    answer = curl(curl_env, *cookies, "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                  "-e", page, "--data-urlencode", f"csrfmiddlewaretoken={token.group(1)}",
                  "--data-urlencode", f"username={email}",
                  "--data-urlencode", f"password={password}", "--data-urlencode",
                  "next=/office/", page)
    assert answer == "302 https://localhost/office/", answer
    office = curl(curl_env, *cookies, "-o", "/dev/null", "-w", "%{http_code}",
                  "https://localhost/office/")
    assert office == "200", office
    return jar.read_text()


def curl(curl_env: dict[str, str], *args: str) -> str:
    """What curl printed, with the test's .curlrc (its CURL_HOME); it must succeed."""
    done = subprocess.run(["curl", "-sS", *args], env=curl_env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_until(check: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Poll until the check holds; fail saying what was waited for."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.2)
