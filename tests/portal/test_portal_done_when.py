"""End to end: a claim opened offline reaches head office once, projected and found by serial;
a claim head office queues reaches the till's claims board and comes back as its own claim.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from portal.branches.models import Branch
from portal.inbox.services import queue_item
from portal.projections.models import Claim
from portal.receiver.models import Document, Event
from sync.runner import CycleReport, run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import TODAY, actor
from tests.portal.support import (
    LivePortal,
    PortalDatabase,
    RegisteredBranch,
    free_port,
    run_worker,
)
from tests.portal.till import till
from tests.sync.engine_helpers import outbox
from tests.sync.test_secrets import use
from warranty_desk.config import SyncSettings
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue, claims
from warranty_desk.services.activation import record_sale
from warranty_desk.services.board import BoardFilters, board
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.documents import DocumentStore

PHOTO = b"\x89PNG\r\n\x1a\n" + b"water marks under the keyboard" * 12


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


# The till is offline first, on purpose: its cycle and pull say so in the log.
@pytest.mark.logs(r"^Sync cycle .*Offline", r"^Inbox pull stopped: Could not reach")
def test_offline_claim_reaches_head_office_once_and_an_online_claim_reaches_the_till(
    live_portal: LivePortal, portal_db: PortalDatabase, branch: RegisteredBranch,
    tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch)
    owner, sales = actor(Role.OWNER), actor(Role.SALES)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Laptops 24",
                                                          manufacturer_months=24))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="DW-LAP", name="Lumen 14 Laptop", brand="Lumen", category="laptops",
        policy="Laptops 24", list_price_minor=89_900)])
    serials = (f"SN-{branch.code}-1", f"SN-{branch.code}-2")
    sale = record_sale(db, sales, SaleInput(
        f"INV-{branch.code}", TODAY, (LineInput("DW-LAP", 2, 89_900, serials),),
        CustomerInput("Dana Whitlock", phone="+44 20 7946 0002")))
    set_secret(home, PORTAL_TOKEN, branch.token)

    def cycle(url: str) -> CycleReport:
        return run_cycle(home, db, SyncSettings(portal_url=url))

    # 1. No network: the claim and its photo are made at the counter and wait.
    number = claims.start_claim(db, sales, claims.StartClaim(
        sale.warranty_codes[0], "Will not boot after a spill")).number
    photo = DocumentStore(home.documents).put(PHOTO, name="keyboard.png")
    claims.attach_evidence(db, sales, number, kind="photo_of_fault", sha256=photo.sha256,
                           media_type=photo.media_type, size=photo.size)
    offline = cycle(f"http://127.0.0.1:{free_port()}/api/v1")
    assert not offline.online and offline.waiting == len(outbox(db)) > 0
    assert not Event.objects.filter(branch_id=branch.pk).exists()

    # 2. The network is back: every event arrives once, the photo with it.
    back = cycle(live_portal.url)
    assert back.online and back.complete, back.message
    stored = sorted(str(i) for i in Event.objects.filter(branch_id=branch.pk)
                    .values_list("id", flat=True))
    assert stored == sorted(uid for _, uid, _, _ in outbox(db))
    assert Document.objects.filter(branch_id=branch.pk, sha256=photo.sha256).exists()
    again = cycle(live_portal.url)
    assert again.complete and again.pushed is not None and again.pushed.delivered == 0
    assert Event.objects.filter(branch_id=branch.pk).count() == len(stored)

    # 3. Projected, head office finds the claim by the unit's serial, with its photo.
    run_worker(portal_db)
    [found] = Claim.objects.filter(serial=serials[0])
    assert (found.branch.code, found.number, found.state) == (branch.code, number, "received")
    assert found.customer is not None and found.customer.name == "Dana Whitlock"
    assert [d.sha256 for d in found.documents.all()] == [photo.sha256]

    # 4. A claim started online at head office lands on the till's claims board ...
    queue_item(Branch.objects.get(pk=branch.pk), "claim_started", {
        "warranty_code": sale.warranty_codes[1], "fault": "Fan rattles",
        "customer": {"name": "Dana Whitlock"}}, item_id=f"web-{branch.code}")
    pulled = cycle(live_portal.url)
    # The claim, and how head office's email of the offline claim's message went (step 3).
    assert pulled.pulled is not None and pulled.pulled.applied == 2, pulled.message
    [row] = board(db, sales, BoardFilters(channel="portal")).rows
    assert (row.serial, row.state) == (serials[1], "received")
    # ... and comes back to head office as the branch's own claim.
    assert cycle(live_portal.url).complete
    run_worker(portal_db)
    online = Claim.objects.get(branch_id=branch.pk, number=row.number)
    assert (online.channel, online.serial) == ("portal", serials[1])
