"""`make run`'s head office: the private PostgreSQL, the portal on 127.0.0.1:8800 and its worker,
the demo branch, the demo till pointed at it and synced, then the counter app.

Everything this script starts stops again when the app closes (or on Ctrl+C): the portal and
its worker, and the PostgreSQL cluster if it was not already running.

    .venv/bin/python packaging/demo_portal.py --home .demo-home [--no-app]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST, PORT = "127.0.0.1", 8800
BASE = f"http://{HOST}:{PORT}"


class Failed(Exception):
    """A step that failed; the message says which and what to do."""


def _run(argv: list[str], *, env: dict[str, str] | None = None, stdin: str | None = None,
         what: str) -> str:
    done = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise Failed(f"{what} failed ({done.returncode}):\n{(done.stderr or done.stdout)[-2000:]}")
    return done.stdout


def _port_free() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, PORT)) != 0


def _wait_for_port(process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"The portal stopped at start; its log {log}:\n"
                         f"{log.read_text(errors='replace')[-2000:]}")
        if not _port_free():
            return
        time.sleep(0.2)
    raise Failed(f"The portal did not answer on {BASE} within 30 s; see {log}.")


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # its own group: gunicorn's workers go with it
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _devdb(*args: str) -> str:
    return _run([sys.executable, str(REPO / "portal" / "devdb.py"), *args],
                what=f"portal/devdb.py {' '.join(args)}").strip()


def _sample(home: str) -> tuple[str, str]:
    """A warranty code and a serial of the demo shop, to try."""
    out = _run([str(BIN / "warranty-desk"), "--home", home, "report", "warranties", "--csv"],
               what="warranty-desk report warranties")
    rows = [r for r in csv.reader(io.StringIO(out))][1:]
    return next(((r[0], r[1]) for r in rows if len(r) > 1 and r[0] and r[1]), ("", ""))


def _screen() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


def main(argv: list[str] | None = None) -> int:
    """Start head office, point the demo till at it, open the app, and stop it all after."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=".demo-home")
    parser.add_argument("--no-app", action="store_true", help="do not open the counter app")
    args = parser.parse_args(argv)
    home = args.home
    logs = REPO / ".portal-logs"
    logs.mkdir(exist_ok=True)
    # SIGTERM (make interrupted, a closed terminal) ends in the same clean-up as Ctrl+C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    was_running = _cluster_running()
    server = worker = None
    try:
        _devdb("createdb", "portal")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
               "PORTAL_DATABASE_URL": _devdb("url", "portal"),
               "PORTAL_MEDIA_ROOT": str(REPO / ".portal-media"), "PYTHONPATH": str(REPO)}
        portal = [str(BIN / "warranty-desk-portal")]
        _run([*portal, "migrate"], env=env, what="warranty-desk-portal migrate")
        demo = json.loads(_run([*portal, "demo", "--json"], env=env,
                               what="warranty-desk-portal demo"))
        if not _port_free():
            raise Failed(f"Something already listens on {HOST}:{PORT}. Stop it (another "
                         "`make run`?), then try again.")
        server_log, worker_log = logs / "portal.log", logs / "worker.log"
        with server_log.open("wb") as out:
            server = subprocess.Popen([*portal, "serve", "--host", HOST, "--port", str(PORT)],
                                      env=env, stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        with worker_log.open("wb") as out:
            worker = subprocess.Popen([*portal, "worker"], env=env, stdout=out,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        _wait_for_port(server, server_log)
        till = [str(BIN / "warranty-desk"), "--home", home]
        _run([*till, "config", "set", "sync.portal_url", f"{BASE}/api/v1"],
             what="warranty-desk config set sync.portal_url")
        _run([*till, "config", "set-secret", "portal-token"], stdin=demo["token"] + "\n",
             what="warranty-desk config set-secret portal-token")
        synced = subprocess.run([*till, "sync", "--nightly", "--time-limit", "2"],
                                capture_output=True, text=True, check=False)
        print("== warranty-desk sync --nightly (the demo till to head office)")
        print((synced.stdout or synced.stderr).strip())
        code, serial = _sample(home)
        print(f"""
Head office is running at {BASE}/office/
  Sign in as {demo['email']}  password: {demo['password']}  (head-office admin; new each run)
  Try: Sync health shows branch {demo['branch']}; search serial {serial or 'of a unit'}, a
  warranty code, a claim number or a customer's name; open a claim for its timeline and
  documents; the branch page shows drift found in the till's nightly report.
  The public warranty check page: {BASE}/w/{code or '<warranty code>'}
  (for the QR on slips, set the shop's portal link to {BASE}/w/{{code}})
  Logs: {server_log} and {worker_log}
""")
        if args.no_app:
            return 0
        if _screen():
            print("Starting the counter app (demo PINs are in the README); closing it stops "
                  "head office too...")
            code = subprocess.run(till, check=False).returncode
            return code if code >= 0 else 128 - code  # killed by a signal: as a shell says it
        print("No screen found (DISPLAY is not set), so the counter app was not opened.")
        print(f"On a desktop, run: {BIN / 'warranty-desk'} --home {home}")
        if sys.stdin.isatty():
            input("Head office stays up until you press Enter. ")
        return 0
    except Failed as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        _stop(worker)
        _stop(server)
        if not was_running and _cluster_running():
            _devdb("stop")
        print("Head office stopped.")


def _cluster_running() -> bool:
    done = subprocess.run([sys.executable, str(REPO / "portal" / "devdb.py"), "status"],
                          capture_output=True, text=True, check=False)
    return done.returncode == 0


if __name__ == "__main__":
    sys.exit(main())
