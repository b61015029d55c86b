"""A till's shop on a branch code of its own, selling one laptop: the start of an end-to-end story
with the served portal (the portal and its Tryton are shared by the run, so codes must differ)."""

from __future__ import annotations

import secrets
from pathlib import Path

from tests.conftest import actor, pinned_clock
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue, setup
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


def laptop_shop(root: Path, *, name: str, prefix: str, sku: str, policy: str,
                months: int) -> tuple[Home, Database]:
    """A shop in `root`/home on a fresh branch code starting with `prefix`, with one policy of
    `months` and the Lumen 14 Laptop under `sku`; the caller disposes of the database."""
    home = Home(root / "home").ensure()
    code = prefix + secrets.token_hex(3).upper()[:5]
    db, _ = setup.init(home, setup.ShopInput(name=name, branch_code=code), clock=pinned_clock())
    owner = actor(Role.OWNER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name=policy,
                                                          manufacturer_months=months))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku=sku, name="Lumen 14 Laptop", brand="Lumen", category="laptops", policy=policy,
        list_price_minor=89_900)])
    return home, db
