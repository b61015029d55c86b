"""What each portal address answers to the wrong people, written out by hand: the security
suite tries every address Django's URL resolver knows with each of them
(tests/security/portal/test_access_portal.py), and fails on an address missing here.
"""

from __future__ import annotations

from dataclasses import dataclass

# An outcome: a status code, or "->/path/" for a redirect there (the query string aside).
Outcome = int | str

# The arguments of an address, by the records of tests/portal/customers.py (Shops): {north} is
# the branch where Bob bought his fridge {fridge} and has claim {claim} with the shop's photo
# {photo}; {plan} an extension plan for the fridge, {bob} Bob's customer reference, {sku} the
# fridge's product. Every one belongs to someone other than the one trying.


@dataclass(frozen=True, slots=True)
class Route:
    """One address: how it is called, and what each wrong party gets.

    none: no session, no token. customer: Ann, signed in; the ids are Bob's. branch: the south
    branch's sync token; the ids are north's. supplier: a head-office supplier contact of
    another supplier, signed in.
    """

    methods: tuple[str, ...]
    args: tuple[str, ...]
    none: Outcome
    customer: Outcome
    branch: Outcome
    supplier: Outcome


_SIGN_IN = "->/me/sign-in/"
_OFFICE_SIGN_IN = "->/office/sign-in/"
_ADMIN_SIGN_IN = "->/admin/login/"


def customer_page(*args: str, methods: tuple[str, ...] = ("GET",)) -> Route:
    """A customer's own page or download (/me/): another customer's ids are not found."""
    return Route(methods, args, none=_SIGN_IN, customer=404, branch=_SIGN_IN, supplier=_SIGN_IN)


def office_page(*args: str, methods: tuple[str, ...] = ("GET",), supplier: Outcome = 403
                ) -> Route:
    """A head-office staff page (/office/): a customer is no staff member."""
    return Route(methods, args, none=_OFFICE_SIGN_IN, customer=403, branch=_OFFICE_SIGN_IN,
                 supplier=supplier)


def branch_call(*args: str, methods: tuple[str, ...]) -> Route:
    """A sync call naming a branch (/api/v1/branches/...): another branch's token is refused."""
    return Route(methods, args, none=401, customer=401, branch=403, supplier=401)


def public(*args: str, status: Outcome, methods: tuple[str, ...] = ("GET",)) -> Route:
    """Open to everyone by design; the same answer whoever asks."""
    return Route(methods, args, none=status, customer=status, branch=status, supplier=status)


ROUTES: dict[str, Route] = {
    # The sync API: a branch's token speaks for its own branch only.
    "sync:push_events": branch_call("{north}", methods=("POST",)),
    "sync:branch_marks": branch_call("{north}", methods=("GET",)),
    "sync:push_nightly": branch_call("{north}", methods=("POST",)),
    "sync:pull_inbox": branch_call("{north}", methods=("GET",)),
    "sync:ack_inbox": branch_call("{north}", methods=("POST",)),
    # Documents by hash: another branch's document is not found by its hash.
    "sync:download_document": Route(("GET",), ("{photo}",), none=401, customer=401, branch=404,
                                    supplier=401),
    # The same address as the download (PUT, tried after every GET): a branch that has the
    # same bytes stores its own copy, under its own branch; the other's stays the other's.
    "sync:upload_document": Route(("PUT",), ("{photo}",), none=401, customer=401, branch=201,
                                  supplier=401),
    # Which of the listed hashes this branch has not sent: answered for the token's own branch.
    "sync:missing_documents": Route(("POST",), (), none=401, customer=401, branch=400,
                                    supplier=401),
    "sync:api-root": public(status=404),
    "api/v1/<path:rest>": public("nothing", status=404),
    # Head office's staff pages.
    "office:sign-in": Route(("GET",), (), none=200, customer="->/office/", branch=200,
                            supplier="->/office/brand-claims/"),
    "office:sign-out": public(status=405),
    "office:health": office_page(),
    "office:branch": office_page("{north}"),
    "office:resend": office_page("{north}", "1", methods=("POST",)),
    "office:resolve": office_page("{north}", "1", methods=("POST",)),
    "office:search": office_page(),
    # A supplier contact's own list (another supplier's brand claims are not on it).
    "office:brand-claims": office_page(supplier=200),
    "office:web-orders": office_page(),
    "office:refund-paid": office_page("{north}", "{claim}", methods=("POST",)),
    "office:brand-claim": office_page("{north}", "{claim}", supplier=404),
    "office:brand-claim-update": office_page("{north}", "{claim}", methods=("POST",),
                                             supplier=404),
    "office:claim": office_page("{north}", "{claim}"),
    "office:relay": office_page("{north}", "{claim}", methods=("POST",)),
    "office:approve-return": office_page("{north}", "{claim}", methods=("POST",)),
    "office:document": office_page("{north}", "{claim}", "{photo}"),
    "office:customer": office_page("{north}", "{bob}"),
    "office:warranty": office_page("{north}", "{fridge}"),
    # The metrics across branches, and the records behind one figure.
    "office:metrics": office_page(),
    "office:metrics-behind": office_page(),
    # Customers' sign-in by code (open to all; a signed-in customer goes to their products).
    "account_request_login_code": Route(("GET",), (), none=200, customer="->/me/", branch=200,
                                        supplier="->/me/"),
    "account_login": Route(("GET",), (), none=200, customer="->/me/", branch=200,
                           supplier="->/me/"),
    "account_confirm_login_code": Route(("GET",), (), none=_SIGN_IN, customer="->/me/",
                                        branch=_SIGN_IN, supplier="->/me/"),
    "account_logout": Route(("GET",), (), none=_SIGN_IN, customer=200, branch=_SIGN_IN,
                            supplier=200),
    "customers_phone_signin": public(status=200),
    "customers_phone_code": public(status="->/me/sign-in/phone/"),
    # A customer's own pages and downloads.
    "customers:products": Route(("GET",), (), none=_SIGN_IN, customer=200, branch=_SIGN_IN,
                                supplier=_SIGN_IN),
    "customers:certificate": customer_page("{north}", "{fridge}"),
    "customers:start_claim": customer_page("{north}", "{fridge}", methods=("GET", "POST")),
    "customers:return_it": customer_page("{north}", "{fridge}", methods=("GET", "POST")),
    "customers:claim": customer_page("{north}", "{claim}"),
    "customers:dropoff_ticket": customer_page("{north}", "{claim}"),
    "customers:return_label": customer_page("{north}", "{claim}"),
    "customers:documents": customer_page("{north}", "{claim}", methods=("GET", "POST")),
    "customers:document": customer_page("{north}", "{claim}", "{photo}"),
    "customers:messages": customer_page("{north}", "{claim}", methods=("GET", "POST")),
    "customers:extensions": Route(("GET",), (), none=_SIGN_IN, customer=200, branch=_SIGN_IN,
                                  supplier=_SIGN_IN),
    "customers:extension": customer_page("{north}", "{fridge}", "{plan}",
                                         methods=("GET", "POST")),
    "customers:extension-paid": customer_page("{north}", "{fridge}", "{plan}"),
    # The public warranty check by the code on the slip, and the product displays: public.
    "warranty-check": public("{fridge}", status=200),
    "product-json": public("{sku}", status=404),
    "product-snippet": public("{sku}", status=404),
    # Web shops' webhooks: only a body signed with the shop's secret is read.
    "webshop:shopify": public(status=401, methods=("POST",)),
    "webshop:shopify-fulfillments": public(status=401, methods=("POST",)),
    "webshop:woocommerce": public(status=401, methods=("POST",)),
    # The admin's own sign-in and sign-out; every other admin page is ADMIN_PAGE.
    "admin:login": public(status=200),
    "admin:logout": public(status="->/admin/", methods=("POST",)),
}

# Every other page under /admin/: nobody of the four is an admin, so all are sent to sign in.
ADMIN_PAGE = Route(("GET",), (), none=_ADMIN_SIGN_IN, customer=_ADMIN_SIGN_IN,
                   branch=_ADMIN_SIGN_IN, supplier=_ADMIN_SIGN_IN)


def suggested(name: str, route: str) -> str:
    """The line to add for a new address, from where it lives (check the methods and ids)."""
    args = ", ".join(f'"{_placeholder(route, part.split(":")[-1])}"' for part in _params(route))
    if route.startswith("me/"):
        return f'"{name}": customer_page({args}),'
    if route.startswith("office/"):
        return f'"{name}": office_page({args}),'
    if route.startswith("api/v1/branches/"):
        return f'"{name}": branch_call({args}, methods=("GET",)),'
    return f'"{name}": Route(("GET",), ({args}), none=..., customer=..., branch=..., ' \
           'supplier=...),'


_PLACEHOLDERS = {"branch": "{north}", "number": "{claim}", "sha256": "{photo}", "plan": "{plan}",
                 "reference": "{bob}", "warranty_code": "{fridge}", "key": "{sku}", "pk": "1"}


def _placeholder(route: str, param: str) -> str:
    if param == "code":  # a branch's code at the office, a warranty's code elsewhere
        return "{north}" if route.startswith("office/") else "{fridge}"
    return _PLACEHOLDERS.get(param, "{north}")


def _params(route: str) -> list[str]:
    parts = []
    while "<" in route:
        start = route.index("<")
        end = route.index(">", start)
        parts.append(route[start + 1:end])
        route = route[end + 1:]
    return parts


# Which head-office role opens which staff page, by hand: a admin, s support, u auditor,
# p supplier contact (their own supplier's brand claims only). The pages' own `allow(...)`
# must say the same, and each role is let in or refused (403) as written here.
OFFICE_ROLES: dict[str, str] = {
    "office:health": "a s u .",
    "office:branch": "a s u .",
    "office:resend": "a . . .",
    "office:resolve": "a . . .",
    "office:search": "a s u .",
    "office:brand-claims": "a s u p",
    "office:web-orders": "a s u .",
    "office:refund-paid": "a s . .",
    "office:brand-claim": "a s u p",
    "office:brand-claim-update": ". . . p",
    "office:claim": "a s u .",
    "office:relay": "a s . .",
    "office:approve-return": "a s . .",
    "office:document": "a s u .",
    "office:customer": "a s u .",
    "office:warranty": "a s u .",
    "office:metrics": "a s u .",
    "office:metrics-behind": "a s u .",
}
# The staff pages open to anyone (signing in and out).
OFFICE_OPEN = ("office:sign-in", "office:sign-out")
