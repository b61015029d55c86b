"""`make bench`, customers at head office: 50 signed-in customers at once on "my products"
(/me/) and a claim timeline, over the million warranties portal_scale leaves there.

Each customer is one whose branch recorded an email and a phone on a purchase and who has a
claim. Their sessions are made straight in Django's session store, as allauth's sign-in by
code would leave them (the code mail is covered by the portal tests, not timed here). Beside
each page, its floor: the same SELECTs the page runs (the querysets the views build), sent
through psycopg on one open connection, one customer after another, with no HTTP, session,
ORM objects or template.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tests.bench import harness
from tests.bench.harness import Stats

CUSTOMERS = 50
ROUNDS = 8
THINK_S = (0.5, 1.5)
PAGE_BUDGET_MS = 150.0
PAGES = ("my products (/me/)", "claim timeline")


@dataclass(frozen=True)
class SignedIn:
    """One customer's browser: its session cookie and the claim it follows."""

    cookie: str
    email: str
    phone: str
    branch: str
    claim: str


def sign_in(count: int = CUSTOMERS) -> list[SignedIn]:
    """`count` customers with a claim, each with an account and a signed-in session."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from portal.customers.identity import account_for, email_key, phone_e164
    from portal.projections.models import Claim

    claims = (Claim.objects.select_related("branch", "customer")
              .exclude(customer=None).exclude(customer__email="").exclude(customer__phone="")
              .order_by("?")[:count])
    made = []
    for found in claims:
        assert found.customer is not None
        email, phone = email_key(found.customer.email), phone_e164(found.customer.phone)
        account = account_for(email=email, phone=phone)
        if account is None:
            raise SystemExit(f"No purchase found for {email}: the customer pages would be "
                             "empty.")
        EmailAddress.objects.get_or_create(user=account.user, email=email,
                                           defaults={"verified": True, "primary": True})
        session = SessionStore()
        session[SESSION_KEY] = str(account.user.pk)
        session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
        session[HASH_SESSION_KEY] = account.user.get_session_auth_hash()
        session.save()
        made.append(SignedIn(f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                             email, phone, found.branch.code, found.number))
    if len(made) < count:
        raise SystemExit(f"Only {len(made)} customers with a claim and a contact; "
                         f"the bench needs {count}.")
    return made


def _paths(person: SignedIn) -> dict[str, str]:
    return {PAGES[0]: "/me/", PAGES[1]: f"/me/claims/{person.branch}/{person.claim}/"}


def pages(port: int, people: list[SignedIn], *, rounds: int = ROUNDS,
          think: tuple[float, float] = THINK_S) -> dict[str, Stats]:
    """Every customer at once, each opening their products then their claim, a page a second
    or so; p95 per page.
    """
    from tests.bench.portal_staff_reads import connection, get, ms

    times: dict[str, list[float]] = {name: [] for name in PAGES}
    lock = threading.Lock()

    def person(n: int) -> None:
        who = people[n]
        rng = random.Random(n)
        headers = {"Cookie": who.cookie, "X-Forwarded-Proto": "https"}
        time.sleep(rng.uniform(0, think[1]))  # not all at one instant
        conn = connection(port)
        for _ in range(rounds):
            for name, path in _paths(who).items():
                took = get(conn, path, headers)
                with lock:
                    times[name].append(took)
                time.sleep(rng.uniform(*think))
        conn.close()

    with ThreadPoolExecutor(len(people)) as pool:
        list(pool.map(person, range(len(people))))
    return {name: ms(t) for name, t in times.items()}


def _statements(person: SignedIn) -> dict[str, list[str]]:
    """The SELECTs of the read models each page sends for this customer: the page rendered
    in this process, its queries captured (the session's, the user's and the account's are
    left out: the floor is the data the page shows).
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    browser = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    name, key = person.cookie.split("=", 1)
    browser.cookies[name] = key
    found = {}
    for page, path in _paths(person).items():
        with CaptureQueriesContext(connection) as seen:
            answer = browser.get(path)
        if answer.status_code != 200:
            raise SystemExit(f"{path} answered {answer.status_code} in the bench process.")
        found[page] = [q["sql"] for q in seen.captured_queries if "projections_" in q["sql"]]
    return found


def floors(url: str, people: list[SignedIn]) -> dict[str, Stats]:
    """Each page's SELECTs through psycopg, one customer at a time; median and p95."""
    import psycopg

    plans = [_statements(p) for p in people]
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    with psycopg.connect(url) as db:
        for _ in range(2):  # the first pass warms the cache the pages found warm too
            for name in PAGES:
                times[name].clear()
                for plan in plans:
                    start = time.perf_counter()
                    for sql in plan[name]:
                        db.execute(sql.encode()).fetchall()
                    times[name].append(time.perf_counter() - start)
    return {name: harness.stats([t * 1000 for t in ts]) for name, ts in times.items()}


def measure(port: int, url: str) -> dict[str, Any]:
    """Sign 50 customers in, warm up, time the pages at once and their floors."""
    people = sign_in()
    pages(port, people, rounds=1, think=(0, 0))  # warming up
    return {"customer_pages_ms": pages(port, people),
            "customer_floors_ms": floors(url, people), "customers_at_once": len(people)}


def rows(data: dict[str, Any], verdict: Any) -> list[tuple[str, str, str, str, str]]:
    """The table lines for the customer pages (verdict: ok -> PASS/FAIL/(scaled))."""
    found = []
    for name in PAGES:
        page: Stats = data["customer_pages_ms"][name]
        floor: Stats = data["customer_floors_ms"][name]
        ratio = page.p95_ms / floor.p95_ms if floor.p95_ms else 0.0
        found.append((f"{name}, {data['customers_at_once']} customers at once",
                      f"p95 {page.p95_ms:.0f} ms (median {page.median_ms:.0f}, "
                      f"p99 {harness.ms(page.p99_ms, 0)})",
                      f"SELECTs p95 {floor.p95_ms:.2f} ms ({ratio:.0f}x)",
                      f"≤ {PAGE_BUDGET_MS:.0f} ms", verdict(page.p95_ms <= PAGE_BUDGET_MS)))
    return found


def passed(data: dict[str, Any]) -> bool:
    """Both customer pages within budget at p95."""
    return all(data["customer_pages_ms"][name].p95_ms <= PAGE_BUDGET_MS for name in PAGES)
