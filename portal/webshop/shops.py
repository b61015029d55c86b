"""Setting up web shops (admin and `warranty-desk-portal webshop`), and which branch fulfils."""

from __future__ import annotations

import re
import secrets

from django.db import transaction

from portal.branches.models import Branch
from portal.errors import PortalInputError
from portal.webshop.models import PLATFORMS, OnlineBranch, WebShop
from portal.webshop.orders import OrderError, currency

_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")


def normalise(domain: str) -> str:
    """A shop's address as head office compares it: no scheme, no path, lower case.

    Shopify sends the bare domain (shop.myshopify.com); WooCommerce its site's address
    (https://shop.example/), which is the same shop written with or without these.
    """
    bare = domain.strip().lower()
    bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", bare)
    return bare.split("/", 1)[0][:255]


def check_prefix(prefix: str) -> str:
    """A shop's order prefix: 1-8 capital letters and digits, starting with a letter."""
    found = prefix.strip().upper()
    if not _PREFIX.match(found):
        raise PortalInputError(f"{prefix[:20]!r} is not an order prefix: use 1 to 8 capital "
                               "letters and digits, starting with a letter (like SH or WOO).")
    return found


def add_shop(platform: str, domain: str, *, prefix: str, currency_code: str,
             branch: str = "", name: str = "", secret: str = "") -> tuple[WebShop, str]:
    """Set up a shop, or change one (found by platform and domain); its secret with it.

    No secret given: a new one is made, for the person to paste into the platform (shown
    once by the caller). Returns the shop and its secret.
    """
    if platform not in dict(PLATFORMS):
        raise PortalInputError(f"{platform[:20]!r} is not a platform; use shopify or "
                               "woocommerce.")
    found = normalise(domain)
    if not found:
        raise PortalInputError("Give the shop's domain (Shopify: shop.myshopify.com; "
                               "WooCommerce: the site's address).")
    try:
        code = currency(currency_code)
    except OrderError as exc:
        raise PortalInputError(str(exc)) from None
    fulfils = branch_by_code(branch) if branch else None
    secret = secret.strip() or secrets.token_urlsafe(32)
    with transaction.atomic():
        shop, _ = WebShop.objects.update_or_create(
            platform=platform, domain=found,
            defaults={"prefix": check_prefix(prefix), "currency": code, "branch": fulfils,
                      "name": name.strip()[:120], "secret": secret, "active": True})
    return shop, secret


def branch_by_code(code: str) -> Branch:
    """A registered branch, or a message saying it is not."""
    found = Branch.objects.filter(code=code.strip().upper()).first()
    if found is None:
        raise PortalInputError(f"No branch {code.strip()[:10]!r} is registered; register it "
                               "first (warranty-desk-portal branch add).")
    return found


def set_online_branch(code: str) -> Branch:
    """The branch that fulfils the orders of every shop that names none."""
    found = branch_by_code(code)
    OnlineBranch.objects.update_or_create(id=1, defaults={"branch": found})
    return found


def fulfilling_branch(shop: WebShop) -> Branch | None:
    """The shop's own branch, else the chain's online branch; None when neither is set."""
    if shop.branch is not None:
        return shop.branch
    online = OnlineBranch.objects.select_related("branch").filter(id=1).first()
    return online.branch if online else None
