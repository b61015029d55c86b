"""End to end: a sale at a till syncs; its customer signs in on the live portal with the code
from the mail and starts a claim with a photo; the till pulls it and the claim is there with
the photo, its location gone.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from portal.inbox.models import InboxItem
from portal.projections import projector
from sync.runner import run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import TODAY, actor
from tests.portal.customers import Mailbox, photo
from tests.portal.live_customer import (  # noqa: F401 (fixtures)
    csrf,
    live_signed_in,
    mail_box,
    no_keyring,
    served_portal,
)
from tests.portal.support import (
    PortalDatabase,
    RegisteredBranch,
    run_worker,
)
from tests.portal.till import till
from warranty_desk.config import SyncSettings
from warranty_desk.models import Claim, EvidenceDocument
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.documents import DocumentStore


def test_a_customer_starts_a_claim_with_a_photo_and_the_till_pulls_it_with_the_photo(
    portal: str, mail: Mailbox, portal_db: PortalDatabase, branch: RegisteredBranch,
    tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch)
    owner, sales = actor(Role.OWNER), actor(Role.SALES)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Kettles", manufacturer_months=24))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="KT-1", name="Brew «Pro» <2L>", brand="Brew", category="small appliances",
        policy="Kettles", list_price_minor=4_900)])
    serial = f"SN-{branch.code}-K"
    sale = record_sale(db, sales, SaleInput(f"INV-{branch.code}", TODAY,
                                            (LineInput("KT-1", 1, 4_900, (serial,)),),
                                            CustomerInput("Eve Ng", email="eve@example.com")))
    set_secret(home, PORTAL_TOKEN, branch.token)
    settings = SyncSettings(portal_url=f"{portal}/api/v1")
    assert run_cycle(home, db, settings).complete
    run_worker(portal_db)

    # The customer, on her phone: her product, a claim on it with a camera photo.
    browser = live_signed_in(portal, mail, "eve@example.com")
    landing = browser.get(f"{portal}/me/", timeout=20).text
    assert "Brew «Pro» &lt;2L&gt;" in landing
    start = re.search(r'href="(/me/warranties/[^"]+/claim/)"', landing)
    assert start, landing
    form = browser.get(portal + start.group(1), timeout=20).text
    assert 'value="Does not heat"' in form  # the till's common faults for small appliances
    camera = photo()
    sent = browser.post(portal + start.group(1), timeout=30, data={
        "csrfmiddlewaretoken": csrf(form), "fault": "Does not heat",
        "other": "Clicks, then nothing"},
        files={"photo_of_fault": ("IMG_2044.jpg", camera, "image/jpeg")})
    assert sent.status_code == 200 and "/me/claims/" in sent.url, sent.text[:3000]
    assert "Received" in sent.text and "Clicks, then nothing" in sent.text
    [kept] = [i.payload["sha256"] for i in InboxItem.objects.filter(
        branch_id=branch.pk, kind="document_uploaded")]

    # The till pulls its inbox: the claim opens on the unit, the photo filed as the fault's.
    pulled = run_cycle(home, db, settings)
    assert pulled.pulled is not None and pulled.pulled.applied == 2, pulled.message
    with db.read() as session:
        claim = session.scalars(select(Claim).where(Claim.channel == "portal")).one()
        assert (claim.serial, claim.state) == (serial, "received")
        number = claim.number
        assert claim.fault == "Does not heat. Clicks, then nothing"
        [evidence] = session.scalars(select(EvidenceDocument)
                                     .where(EvidenceDocument.claim_id == claim.id)).all()
        assert (evidence.kind, evidence.original_name, evidence.sha256, evidence.source) == (
            "photo_of_fault", "IMG_2044.jpg", kept, "portal")
    data = DocumentStore(home.documents).open(kept)
    assert hashlib.sha256(data).hexdigest() == kept
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (64, 48) and 0x8825 not in image.getexif()
    assert sale.warranty_codes[0] in landing

    # The branch's claim comes back to head office: the customer's page is now that claim,
    # and the photo is listed once, as hers.
    assert run_cycle(home, db, settings).complete
    run_worker(portal_db)
    page = browser.get(sent.url, timeout=20)
    assert page.url.endswith(f"/me/claims/{branch.code}/{number}/"), page.url
    assert "Received" in page.text and number in page.text
    files = browser.get(f"{page.url}documents/", timeout=20).text
    assert files.count("IMG_2044.jpg") == 1 and "Added by you" in files
    assert "Added by the shop" not in files

    # Head office rebuilds the branch's read models from its events: the claim she started
    # and her photo are still hers, on the new rows.
    assert projector.rebuild([branch.pk]) > 0
    again = browser.get(page.url, timeout=20)
    assert again.status_code == 200 and number in again.text
    files = browser.get(f"{page.url}documents/", timeout=20).text
    assert files.count("IMG_2044.jpg") == 1 and "Added by you" in files
