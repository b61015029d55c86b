"""`make run`'s head office: the private PostgreSQL, the portal on 127.0.0.1:8800 and its worker,
the demo branch, the demo till pointed at it and synced, a demo customer, then the counter app.

The portal's outgoing mail goes to files in .portal-mail/ (no mail server needed): a newcomer
signs in at /me/ as the demo customer with the code this script prints as the mail arrives.

Everything this script starts stops again when the app closes (or on Ctrl+C): the portal and
its worker, and the PostgreSQL cluster if it was not already running.

    .venv/bin/python packaging/demo_portal.py --home .demo-home [--no-app]
"""

from __future__ import annotations

import argparse
import csv
import email
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST, PORT = "127.0.0.1", 8800
BASE = f"http://{HOST}:{PORT}"


class Failed(Exception):
    """A step that failed; the message says which and what to do."""


DEMO_SHOP = "demo-shop.myshopify.com"


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


def sign_in_words(found: dict[str, Any]) -> str:
    """What `make run` prints of the demo customer: how to sign in, what each page shows."""
    lines = [f"Sign in at {BASE}/me/ with {found['email']}",
             f"  ({found['name']}, {found['products']} products). To try:"]
    for key, ready, missing in (
            ("claim", "claim {} under way: its timeline, documents and messages",
             "no claim under way (timeline, documents, messages stay empty)"),
            ("claimable", "Start a claim on the {}", "no product a claim can be started on"),
            ("extendable", "Extend cover for the {}", "no product an extension plan fits")):
        lines.append("  - " + (ready.format(found[key]) if found.get(key) else missing))
    return "\n".join(lines)


def _demo_customer(portal: list[str], env: dict[str, str], branch: str) -> str:
    """How to sign in as the demo customer, once the worker has projected the synced sales
    (waiting up to a minute), or why there is none.
    """
    deadline = time.monotonic() + 60
    while True:
        done = subprocess.run([*portal, "demo-customer", "--branch", branch, "--json"], env=env,
                              capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return sign_in_words(json.loads(done.stdout))
        if time.monotonic() > deadline:
            return f"No demo customer yet: {done.stderr.strip()}"
        time.sleep(1)


_CODE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]+)?)\s*$", re.M)


def code_in(mail: bytes) -> tuple[str, str] | None:
    """(to, sign-in code) of one mail the portal wrote to a file, or None if it has none."""
    message = email.message_from_bytes(mail)
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            found = _CODE.search(payload.decode(errors="replace")) if isinstance(
                payload, bytes) else None
            if found and "code" in str(message.get("Subject", "")).lower():
                return str(message.get("To", "")), found.group(1)
    return None


def watch_mail(folder: Path, stop: threading.Event, every: float = 0.5) -> None:
    """Print each sign-in code the portal mails, as it lands in `folder`."""
    seen = set(folder.glob("*"))
    # A plain sleep, not stop.wait(every): a timed wait on a condition never returns under
    # libfaketime, and `make test` runs the portal tests with the clock moved a year ahead.
    while not stop.is_set():
        time.sleep(every)
        for path in sorted(set(folder.glob("*")) - seen):
            seen.add(path)
            # One file per connection; the backend parts mails with a line of dashes.
            for mail in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                found = code_in(mail.strip())
                if found:
                    print(f"\n>> Sign-in code for {found[0]}: {found[1]}  (from {path})",
                          flush=True)


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
    mail = REPO / ".portal-mail"
    mail.mkdir(exist_ok=True)
    stop_watching = threading.Event()
    # SIGTERM (make interrupted, a closed terminal) ends in the same clean-up as Ctrl+C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    was_running = _cluster_running()
    server = worker = None
    try:
        _devdb("createdb", "portal")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
               "PORTAL_DATABASE_URL": _devdb("url", "portal"),
               "PORTAL_MEDIA_ROOT": str(REPO / ".portal-media"), "PYTHONPATH": str(REPO),
               "PORTAL_MAIL_FOLDER": str(mail)}
        portal = [str(BIN / "warranty-desk-portal")]
        _run([*portal, "migrate"], env=env, what="warranty-desk-portal migrate")
        demo = json.loads(_run([*portal, "demo", "--json"], env=env,
                               what="warranty-desk-portal demo"))
        # A demo web shop whose signed orders reach the demo branch (the secret is new each run).
        shop_secret = _run([*portal, "webshop", "add", DEMO_SHOP, "--platform", "shopify",
                            "--prefix", "SH", "--currency", "GBP", "--branch", demo["branch"],
                            "--name", "Demo web shop"], env=env,
                           what="warranty-desk-portal webshop add").strip().splitlines()[-1]
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
        customer = _demo_customer(portal, env, demo["branch"])
        print(f"""
Head office is running at {BASE}/office/
  Sign in as {demo['email']}  password: {demo['password']}  (head-office admin; new each run)
  Try: Sync health shows branch {demo['branch']}; search serial {serial or 'of a unit'}, a
  warranty code, a claim number or a customer's name; open a claim for its timeline and
  documents; the branch page shows drift found in the till's nightly report.
  The public warranty check page: {BASE}/w/{code or '<warranty code>'}
  (for the QR on slips, set the shop's portal link to {BASE}/w/{{code}})

Web orders: Shopify orders/paid webhooks from {DEMO_SHOP} go to
  {BASE}/hooks/shopify/orders-paid, signed with {shop_secret}
  (X-Shopify-Shop-Domain: {DEMO_SHOP}); each delivery shows at {BASE}/office/web-orders/

A customer's own pages (no password: a one-time code by mail):
  {customer}
  Press "Send me a code"; the code is printed here as the mail arrives, and the mail
  itself is a file in {mail}/ (the newest one).

  Logs: {server_log} and {worker_log}
""", flush=True)
        threading.Thread(target=watch_mail, args=(mail, stop_watching), daemon=True).start()
        if args.no_app:
            return 0
        if _screen():
            print("Starting the counter app (demo PINs are in the README); closing it stops "
                  "head office too...")
            status = subprocess.run(till, check=False).returncode
            return status if status >= 0 else 128 - status  # a signal: as a shell says it
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
        stop_watching.set()
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
