"""Head-office page tests: staff of each role, and a branch whose till pushed real records.

The records come from a real till (its services, its sync cycle) through the live portal, and
are projected in this process; their text is what a person or a scanner could type: markup,
quotes, very long and non-Latin.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.test import Client

from portal.projections import projector
from portal.staff.services import add_staff
from sync.runner import run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import TODAY, actor
from tests.portal.support import LivePortal, RegisteredBranch
from tests.portal.till import till
from warranty_desk.config import SyncSettings
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue, claims
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.documents import DocumentStore

PHOTO = b"\x89PNG\r\n\x1a\n" + b"<html><script>alert(1)</script></html>" * 8
# What people type: markup that must stay text, both quote marks, other scripts, length.
ODD_NAME = "<b>Zoë \"Bobby\" O'Brien</b> 王小明 Ålesund-Øvergård"
ODD_FAULT = ("<script>alert('fault')</script> & \"screen\" flickers — экран мигает, "
             "画面がちらつく. " + "Πολύ μεγάλη περιγραφή χωρίς κενά" * 40)
ODD_PRODUCT = "Lumen 14\" <Laptop> «Pro» 笔记本电脑"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class PushedBranch:
    """What the till sent: a claim with a photo on an odd customer, and a plain one."""

    code: str
    serials: tuple[str, ...]
    codes: tuple[str, ...]
    claim: str
    photo_sha256: str
    customer_ref: str


def client() -> Client:
    """Django's test client on the host the portal's settings allow."""
    return Client(SERVER_NAME=HOST)


def signed_in(role: str, email: str | None = None) -> tuple[Client, str]:
    """A client signed in as a new staff member of `role`, and the member's email."""
    member, _ = add_staff(email or f"{role}-{secrets.token_hex(3)}@office.example", role)
    browser = client()
    browser.force_login(member.user)
    return browser, member.user.get_username()


def push_branch(tmp_path: Path, live: LivePortal, branch: RegisteredBranch) -> PushedBranch:
    """A till on the branch sells two laptops to an odd customer, opens a claim with a photo
    on the first, syncs with the live portal; the events are then projected here.
    """
    home, db = till(tmp_path, branch)
    owner, sales = actor(Role.OWNER), actor(Role.SALES)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Laptops 24",
                                                          manufacturer_months=24))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="DW-LAP", name=ODD_PRODUCT, brand="Lumen", category="laptops",
        policy="Laptops 24", list_price_minor=89_900)])
    serials = (f"SN{branch.code}A1", f"SN{branch.code}A2")
    sale = record_sale(db, sales, SaleInput(
        f"INV-{branch.code}", TODAY, (LineInput("DW-LAP", 2, 89_900, serials),),
        CustomerInput(ODD_NAME, phone="+44 20 7946 0321", email="zoe@example.com")))
    number = claims.start_claim(db, sales, claims.StartClaim(
        sale.warranty_codes[0], ODD_FAULT)).number
    photo = DocumentStore(home.documents).put(PHOTO, name="screen.png")
    claims.attach_evidence(db, sales, number, kind="photo_of_fault", sha256=photo.sha256,
                           media_type=photo.media_type, size=photo.size)
    set_secret(home, PORTAL_TOKEN, branch.token)
    report = run_cycle(home, db, SyncSettings(portal_url=live.url))
    assert report.complete, report.message
    projector.catch_up(branch.pk)
    from portal.projections.models import Customer

    reference = Customer.objects.get(branch_id=branch.pk, name=ODD_NAME).reference
    db.dispose()
    return PushedBranch(branch.code, serials, tuple(sale.warranty_codes), number,
                        photo.sha256, reference)
