"""Every portal address, from Django's URL resolver, tried with no credentials, another
customer's session, another branch's sync token and another supplier's contact: each answers
as portal_access_table.py says, and an address missing there fails the suite."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from portal.projections.models import Warranty
from portal.staff.models import Role
from portal.staff.services import add_staff
from tests.portal.customers import SHOP_PHOTO, SHOP_PHOTO_SHA, Shops, signed_in_customer, smtp
from tests.portal.office import client
from tests.security.portal.portal_access_table import (
    ADMIN_PAGE,
    OFFICE_OPEN,
    OFFICE_ROLES,
    ROUTES,
    Route,
    suggested,
)

pytestmark = pytest.mark.usefixtures("fresh_limits")

TABLE = "tests/security/portal/portal_access_table.py"
WHO = ("none", "customer", "branch", "supplier")


def addresses() -> Iterator[tuple[str, str]]:
    """(name, route) of every address the resolver knows; an unnamed one goes by its route."""
    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str
             ) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, route, inner)
            else:
                yield (namespace + pattern.name if pattern.name else route), route
    yield from walk(get_resolver().url_patterns, "", "")


def _is_admin(route: str) -> bool:
    return route.startswith("admin/")


def test_every_portal_address_has_its_line_in_the_table() -> None:
    known = {name: route for name, route in addresses() if not _is_admin(route)
             or name in ROUTES}
    missing = sorted(set(known) - set(ROUTES))
    assert not missing, f"addresses missing in ROUTES of {TABLE}; add (and check):\n  " + \
        "\n  ".join(suggested(name, known[name]) for name in missing)
    gone = sorted(set(ROUTES) - set(known))
    assert not gone, f"{TABLE} names addresses the portal no longer has; remove: {gone}"


def _url(route: str, args: tuple[str, ...], values: dict[str, str]) -> str:
    params = re.findall(r"<[^>]+>", route)
    assert len(params) == len(args), f"{route} takes {len(params)} ids, the table gives {args}"
    url = route
    for param, arg in zip(params, args, strict=True):
        url = url.replace(param, arg.format(**values), 1)
    return "/" + url


def _outcome(answer: object) -> str | int:
    status = int(answer.status_code)  # type: ignore[attr-defined]
    if status in (301, 302, 303):
        return "->" + str(answer["Location"]).split("?")[0]  # type: ignore[index]
    return status


def _admin_args(route: str) -> tuple[str, ...]:
    return tuple("1" for _ in re.findall(r"<[^>]+>", route))


@pytest.mark.logs(r"^(Unauthorized|Forbidden|Not Found|Bad Request|Method Not Allowed): ",
                  r"^Web shop delivery - .* unsigned \(401\)")
def test_each_address_answers_the_wrong_people_as_the_table_says(records: Shops) -> None:
    north, south = records.north, records.south
    fridge = Warranty.objects.get(branch_id=north.pk, code=f"{north.code}-W9")
    values = {"north": north.code, "fridge": fridge.code, "claim": "CL-9", "photo": SHOP_PHOTO_SHA,
              "plan": "PLAN-9", "bob": "C-2", "sku": fridge.product.sku}
    with smtp() as box:
        ann = signed_in_customer(box, records.ann_email)
    member, _ = add_staff("contact@other-supplier.example", Role.SUPPLIER,
                          supplier="Other Supplier Ltd")
    supplier = client()
    supplier.force_login(member.user)
    browsers: dict[str, Client] = {
        "none": client(), "customer": ann, "supplier": supplier,
        "branch": Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {south.token}")}
    wrong: list[str] = []
    tried = 0
    # Reads first: a write that is allowed (a branch's own upload) changes what a read finds.
    tries = sorted(((method, name, route) for name, route in addresses()
                    for method in ROUTES.get(name, ADMIN_PAGE).methods),
                   key=lambda t: t[0] != "GET")
    for method, name, route in tries:
        entry: Route = ROUTES.get(name, ADMIN_PAGE)
        url = _url(route, entry.args if name in ROUTES else _admin_args(route), values)
        for who in WHO:
            browser = browsers[who]
            if method == "PUT":
                answer = browser.put(url, SHOP_PHOTO, content_type="application/octet-stream")
            elif method == "POST":
                answer = browser.post(url, {})
            else:
                answer = browser.get(url)
            answer.close()
            tried += 1
            expected, got = getattr(entry, who), _outcome(answer)
            if got != expected:
                wrong.append(f"{method} {url} by {who}: {got}, the table says {expected}")
    assert not wrong, f"{len(wrong)} of {tried} tries answered otherwise than {TABLE}:\n  " + \
        "\n  ".join(wrong)
    # Every address was tried by all four, each of its methods (492 tries when this was written).
    assert tried >= len(WHO) * len(ROUTES)


OFFICE_LETTERS = {"a": Role.ADMIN, "s": Role.SUPPORT, "u": Role.AUDITOR, "p": Role.SUPPLIER}


def _office_roles(row: str) -> frozenset[str]:
    return frozenset(OFFICE_LETTERS[c] for c in row.split() if c != ".")


def _office_row(roles: tuple[str, ...]) -> str:
    return " ".join(letter if role in roles else "." for letter, role in OFFICE_LETTERS.items())


def test_each_staff_page_admits_the_roles_the_table_names() -> None:
    views = {name: pattern.callback for name, pattern in _office_patterns().items()}
    unnamed = sorted(set(views) - set(OFFICE_ROLES) - set(OFFICE_OPEN))
    assert not unnamed, f"staff pages missing in OFFICE_ROLES of {TABLE}; add:\n  " + "\n  ".join(
        f'"{n}": "{_office_row(getattr(views[n], "staff_roles", ()))}",' for n in unnamed)
    wrong = [f'"{n}": the table says "{OFFICE_ROLES[n]}", the page admits '
             f'"{_office_row(getattr(views[n], "staff_roles", ()))}"'
             for n in sorted(OFFICE_ROLES)
             if _office_roles(OFFICE_ROLES[n]) != frozenset(getattr(views[n], "staff_roles", ()))]
    assert not wrong, "\n".join(wrong)


def _office_patterns() -> dict[str, URLPattern]:
    office = next(p for p in get_resolver().url_patterns
                  if isinstance(p, URLResolver) and p.namespace == "office")
    return {f"office:{p.name}": p for p in office.url_patterns if isinstance(p, URLPattern)}


@pytest.mark.logs(r"^(Forbidden|Not Found|Bad Request): ")
def test_each_staff_role_is_let_in_or_refused_as_the_table_says(records: Shops) -> None:
    values = {"north": records.north.code, "claim": "CL-9", "photo": SHOP_PHOTO_SHA,
              "bob": "C-2", "fridge": f"{records.north.code}-W9"}
    routes = dict(addresses())
    wrong = []
    for letter, role in OFFICE_LETTERS.items():
        member, _ = add_staff(f"{role}-pages@office.example", role,
                              supplier="Other Supplier Ltd" if role == Role.SUPPLIER else "")
        browser = client()
        browser.force_login(member.user)
        for name, row in sorted(OFFICE_ROLES.items()):
            entry = ROUTES[name]
            url = _url(routes[name], entry.args, values)
            answer = browser.post(url, {}) if "POST" in entry.methods else browser.get(url)
            answer.close()  # a download streams its file: closed here, not by the collector
            refused = answer.status_code == 403
            if refused == (letter in row.split()):
                wrong.append(f"{role} at {url}: {answer.status_code}, the table says "
                             f"{'let in' if letter in row.split() else 'refused'}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.logs(r"^Forbidden \(CSRF")
def test_no_page_takes_a_post_from_another_site(records: Shops) -> None:
    """A signed-in customer's or staff member's browser, made to post from another site (no
    CSRF token), changes nothing on any page that takes a POST."""
    values = {"north": records.north.code, "fridge": f"{records.north.code}-W9",
              "claim": "CL-9", "photo": SHOP_PHOTO_SHA, "plan": "PLAN-9", "bob": "C-2"}
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
    member, _ = add_staff("admin-csrf@office.example", Role.ADMIN)
    routes = dict(addresses())
    posted = 0
    for name, entry in sorted(ROUTES.items()):
        if "POST" not in entry.methods or not routes[name].startswith(("me/", "office/")):
            continue
        browser = Client(SERVER_NAME="127.0.0.1", enforce_csrf_checks=True)
        if routes[name].startswith("me/"):
            browser.cookies = bob.cookies  # Bob's own records, from his own browser
        else:
            browser.force_login(member.user)
        answer = browser.post(_url(routes[name], entry.args, values), {})
        assert answer.status_code == 403, f"{name} took a POST without a CSRF token"
        posted += 1
    assert posted >= 10
