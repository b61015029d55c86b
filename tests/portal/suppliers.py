"""A branch whose till lodged brand claims with two suppliers, for the supplier contact tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from portal.projections import projector
from tests.conftest import TODAY, actor
from tests.portal.support import LivePortal, RegisteredBranch, register
from tests.portal.till import in_returns_stock, push_all, till
from warranty_desk.permissions import Role
from warranty_desk.services import brand_claims, catalogue, settlements
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

WRITE_OFF_REASON = "Toastr went bust; not worth chasing"


@dataclass(frozen=True)
class Lodged:
    """A branch with a brand claim for Kettlo (two claims) and one for Toastr."""

    branch: RegisteredBranch
    home: Path
    db: Database
    kettlo: str
    kettlo_claims: tuple[str, ...]
    toastr: str


def lodge(live_portal: LivePortal, folder: Path) -> Lodged:
    """Kettlo's brand claim over two claims and Toastr's over one, pushed and projected (the
    caller disposes of the till's database)."""
    branch = register()
    home, db = till(folder, branch)
    owner, sales, store = actor(Role.OWNER), actor(Role.SALES), actor(Role.STOREKEEPER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Small 12",
                                                          manufacturer_months=12))
    catalogue.add_products(db, owner, [
        catalogue.ProductInput(sku="KT-1", name="Kettlo Boil", brand="Kettlo",
                               category="kettles", policy="Small 12", list_price_minor=4_900),
        catalogue.ProductInput(sku="TS-1", name="Toastr Crisp", brand="Toastr",
                               category="toasters", policy="Small 12", list_price_minor=3_900)])
    sale = record_sale(db, sales, SaleInput(
        f"INV-{branch.code}", TODAY, (LineInput("KT-1", 2, 4_900, ("KT-A", "KT-B")),
                                      LineInput("TS-1", 1, 3_900, ("TS-A",))),
        CustomerInput("Ada Lovelace", phone="+44 20 7946 0777")))
    numbers = in_returns_stock(db, list(sale.warranty_codes), "Broken")
    kettlo = brand_claims.open_brand_claim(db, store, numbers[:2]).number
    toastr = brand_claims.open_brand_claim(db, store, numbers[2:]).number
    # Toastr's id is one Kettlo's contact might mistype as theirs: the branch refuses it.
    brand_claims.set_details(db, store, toastr, external_id="TST-1")
    # The shop gives up on Toastr: its own finance's business, which Toastr's contact never sees.
    settlements.write_off(db, owner, toastr, WRITE_OFF_REASON)
    push_all(db, live_portal, branch)
    projector.catch_up(branch.pk)
    return Lodged(branch, home, db, kettlo, tuple(numbers[:2]), toastr)


def lodged_for_module(live_portal: LivePortal, factory: pytest.TempPathFactory
                      ) -> Iterator[Lodged]:
    """`lodge` for a module's fixture: the till's database is let go after the module."""
    found = lodge(live_portal, factory.mktemp("till"))
    yield found
    found.db.dispose()
