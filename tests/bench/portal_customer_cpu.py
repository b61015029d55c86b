"""What one customer page costs in CPU, without the load around it: `python -m
tests.bench.portal_customer_cpu` (N=500 requests a page by default).

The portal runs in this process on the production settings, a signed-in customer (four units
at two branches on a policy, two claims, one with ten events and three letters) opening "my
products" (/me/) and a claim timeline through Django's WSGI handler, one request after another
on one thread: the thread's CPU per request, the database backend's CPU per request (from
/proc, the backend of this process's connection) and the statements each page sends. The
database is a throwaway one in the checkout's private cluster (portal/devdb.py), never the
bench's: CPU, not time, so other work on the machine moves the figures little; run it twice
and compare the lower.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

DATABASE = "bench_customer_cpu"
PATHS = {"my products (/me/)": "/me/", "claim timeline": "/me/claims/CPUN/CL-1/"}
EMAIL, PHONE = "cara@example.com", "+447700900555"


def _django(url: str, work: Path) -> None:
    """Django on the production settings, pointed at the throwaway database."""
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "portal.settings.production", "PORTAL_DATABASE_URL": url,
        "PORTAL_SECRET_KEY": "cpu-" + uuid.uuid4().hex * 2,
        "PORTAL_ALLOWED_HOSTS": "127.0.0.1", "PORTAL_SSL_REDIRECT": "false",
        "PORTAL_STATIC_ROOT": str(work / "static"), "PORTAL_MEDIA_ROOT": str(work / "media")})
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest {% static %} reads


def _customer() -> None:
    """Cara: four units at two branches, a claim of ten events and three letters, another."""
    from portal.branches.services import register_branch
    from portal.projections.models import (
        Claim,
        ClaimEvent,
        Customer,
        Message,
        Policy,
        Product,
        Warranty,
        WarrantyLayer,
    )

    north, _ = register_branch("CPUN")
    south, _ = register_branch("CPUS")
    today = date.today()  # the production clock is the wall's: the units stay in cover
    held = {north: Customer.objects.create(branch=north, reference="C-1", name="Cara North",
                                           email=EMAIL, phone=PHONE),
            south: Customer.objects.create(branch=south, reference="C-9", name="Cara South",
                                           email=EMAIL.title())}
    units = []
    for n in range(4):
        branch = north if n % 2 == 0 else south
        Policy.objects.get_or_create(branch=branch, ref="P1", defaults={
            "name": "Standard", "exclusions": ["Drops", "Water"], "claim_limit_count": 3,
            "evidence_required": {"fault": ["photo_of_fault", "serial_photo"]}})
        start = today - timedelta(days=100 * n + 20)
        unit = Warranty.objects.create(
            branch=branch, code=f"W{n}", serial=f"SN{n}", customer=held[branch],
            product=Product.objects.create(branch=branch, sku=f"SKU{n}", name=f"Kettle {n}"),
            status="active", start_on=start, end_on=start + timedelta(days=730),
            policy_ref="P1")
        for position, (kind, days) in enumerate((("manufacturer", 0), ("shop", 365))):
            WarrantyLayer.objects.create(warranty=unit, position=position, kind=kind,
                                         start_on=start + timedelta(days=days),
                                         end_on=start + timedelta(days=days + 364))
        units.append(unit)
    at = datetime.now(UTC) - timedelta(days=20)
    claim = Claim.objects.create(branch=north, number="CL-1", warranty=units[0],
                                 customer=held[north], state="repairing", serial="SN0",
                                 fault="Door rattles", opened_at=at)
    Claim.objects.create(branch=north, number="CL-0", warranty=units[2], customer=held[north],
                         state="resolved", serial="SN2", fault="Dead",
                         opened_at=at - timedelta(days=60))
    states = ("received", "reviewing", "inspecting", "at_manufacturer", "repairing")
    for n, state in enumerate(states):
        for seq, topic in ((2 * n + 1, "claim.status_changed" if n else "claim.opened"),
                           (2 * n + 2, "claim.note_added")):
            ClaimEvent.objects.create(
                claim=claim, event_id=uuid.uuid4(), seq=seq, occurred_at=at + timedelta(seq),
                topic=topic, from_state=states[n - 1] if n else "",
                to_state=state if topic != "claim.note_added" else "")
    for n, state in enumerate(states[:3]):
        Message.objects.create(branch=north, message_id=f"m{n}", claim=claim,
                               customer=held[north], template=f"claim_{state}",
                               subject="Your claim", queued_at=at + timedelta(2 * n + 1),
                               body="Dear Cara,\n\nYour claim moved on.\n\nKind regards,\nThe shop")


def _cookie() -> str:
    """A signed-in session for Cara, as allauth's sign-in by code leaves it."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from portal.customers.identity import account_for

    account = account_for(email=EMAIL, phone=PHONE)
    assert account is not None
    EmailAddress.objects.create(user=account.user, email=EMAIL, verified=True, primary=True)
    session = SessionStore()
    session[SESSION_KEY] = str(account.user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = account.user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _browser(cookie: str) -> Callable[[str], tuple[str, bytes]]:
    """A GET through the WSGI handler as gunicorn makes it, behind the HTTPS proxy."""
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()

    def get(path: str) -> tuple[str, bytes]:
        said: list[str] = []
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SCRIPT_NAME": "",
                   "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
                   "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
                   "HTTP_COOKIE": cookie, "HTTP_X_FORWARDED_PROTO": "https",
                   "HTTP_X_FORWARDED_FOR": "192.0.2.1", "REMOTE_ADDR": "127.0.0.1",
                   "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
                   "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
                   "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False}
        body: Iterable[bytes] = app(environ, lambda status, headers, *_: said.append(status))
        page = b"".join(body)
        getattr(body, "close", lambda: None)()  # request_finished: as gunicorn closes it
        return said[0], page
    return get


def _backend_cpu_s() -> float:
    """CPU seconds of this process's database backend so far."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(requests: int) -> dict[str, dict[str, Any]]:
    """Per page: thread CPU ms and backend CPU ms per request, statements per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get = _browser(_cookie())
    found = {}
    for name, path in PATHS.items():
        status, page = get(path)
        if not status.startswith("200"):
            raise SystemExit(f"{path} answered {status}: {page[:300]!r}")
        with CaptureQueriesContext(connection) as seen:
            get(path)
        # Counted now: the log is read when asked, and the next request empties it.
        statements = len(seen.captured_queries)
        for _ in range(20):  # prepared statements, caches: as a worker that has run a while
            get(path)
        backend, thread = _backend_cpu_s(), time.thread_time()
        for _ in range(requests):
            get(path)
        thread, backend = time.thread_time() - thread, _backend_cpu_s() - backend
        found[name] = {"python_ms": 1000 * thread / requests,
                       "postgres_ms": 1000 * backend / requests,
                       "statements": statements}
    return found


def main() -> int:
    """Build the database, sign Cara in, measure, print one line a page."""
    from portal.devdb import cluster

    here = cluster()
    started = here.start()
    here.dropdb(DATABASE)
    here.createdb(DATABASE)
    try:
        with tempfile.TemporaryDirectory(prefix="customer-cpu-") as work:
            _django(here.url(DATABASE), Path(work))
            _customer()
            results = measure(int(os.environ.get("N", "500")))
            from django.db import connections

            connections.close_all()
    finally:
        here.dropdb(DATABASE)
        if started:
            here.stop()
    for name, row in results.items():
        print(f"{name}: {row['python_ms']:.2f} ms thread CPU, {row['postgres_ms']:.2f} ms "
              f"database CPU, {row['statements']} statements a request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
