"""The public warranty check page /w/<code>: product, cover layers and dates, and the status (in
cover, expired, void with its reason, replaced), with no personal data; unknown codes get a
plain 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from portal.branches.models import Branch
from portal.projections import projector
from portal.projections.models import Product, Warranty, WarrantyLayer
from sync.runner import run_cycle
from tests.conftest import TODAY, actor
from tests.portal.office import ODD_NAME, PushedBranch, client, push_branch
from tests.portal.support import LivePortal, RegisteredBranch, register
from tests.sync.test_secrets import use
from warranty_desk.config import SyncSettings
from warranty_desk.permissions import Role
from warranty_desk.services.activation import void_warranty
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


def _warranty(branch: RegisteredBranch, code: str, layers: list[tuple[str, date, date]],
              **fields: Any) -> Warranty:
    product, _ = Product.objects.get_or_create(branch_id=branch.pk, sku="KET-1",
                                               defaults={"name": "Kettle <Steel> 1.7 L «Pro»"})
    row = Warranty.objects.create(branch_id=branch.pk, code=code, product=product,
                                  serial="KT12345678", status=fields.pop("status", "active"),
                                  start_on=layers[0][1], end_on=layers[-1][2], **fields)
    WarrantyLayer.objects.bulk_create(WarrantyLayer(warranty=row, position=i, kind=kind,
                                                    start_on=start, end_on=end)
                                      for i, (kind, start, end) in enumerate(layers))
    return row


def test_a_warranty_in_cover_shows_its_layers_and_days_left(portal_db: Any) -> None:
    branch = register()
    Branch.objects.filter(pk=branch.pk).update(name="Shop <Main> Street")
    today = TODAY
    _warranty(branch, f"{branch.code}-W-2026-000001", [
        ("manufacturer", today - timedelta(days=400), today - timedelta(days=35)),
        ("shop", today - timedelta(days=34), today + timedelta(days=9))])
    answer = client().get(f"/w/{branch.code.lower()}-w-2026-000001")
    page = answer.content.decode()
    assert answer.status_code == 200 and answer["Cache-Control"] == "max-age=60, public"
    assert "In cover" in page and "10 days left" in page
    assert "Manufacturer&#x27;s warranty" in page and "Shop warranty" in page
    assert "Kettle &lt;Steel&gt; 1.7 L «Pro»" in page and "Shop &lt;Main&gt; Street" in page
    assert "•••5678" in page and "KT12345678" not in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page


def test_expired_and_not_yet_started_cover(portal_db: Any) -> None:
    branch = register()
    today = TODAY
    _warranty(branch, f"{branch.code}-W-2026-000002", [
        ("manufacturer", today - timedelta(days=800), today - timedelta(days=70))])
    page = client().get(f"/w/{branch.code}-W-2026-000002").content.decode()
    assert "Expired" in page
    assert (today - timedelta(days=70)).strftime("%-d %B %Y") in page


def test_void_with_its_reason_and_replaced_with_the_new_code_from_a_real_till(
    live_portal: LivePortal, tmp_path: Path,
) -> None:
    branch = register()
    pushed: PushedBranch = push_branch(tmp_path, live_portal, branch)
    home = Home(tmp_path / f"till-{branch.code}")
    from tests.conftest import pinned_clock

    db = Database(home.database, clock=pinned_clock())
    void_warranty(db, actor(Role.OWNER), pushed.codes[1],
                  "Returned for a refund <same day> — \"unused\"")
    assert run_cycle(home, db, SyncSettings(portal_url=live_portal.url)).complete
    db.dispose()
    projector.catch_up(branch.pk)
    page = client().get(f"/w/{pushed.codes[1]}").content.decode()
    assert "Void" in page
    assert "Reason: Returned for a refund &lt;same day&gt; — &quot;unused&quot;" in page
    # Nothing personal: not the customer, their phone or email, the invoice or the serial.
    for private in (ODD_NAME, "Zoë", "7946", "zoe@example.com", f"INV-{branch.code}",
                    pushed.serials[1]):
        assert private not in page, private
    # A replacement (as decisions.replace sends it) points to the new unit's own page.
    old = _warranty(register(), "RP01-W-2026-000001", [
        ("manufacturer", date(2026, 1, 1), date(2027, 12, 31))], status="replaced",
        replaced_by="RP01-W-2026-000002")
    page = client().get(f"/w/{old.code}").content.decode()
    assert "Replaced" in page and 'href="/w/RP01-W-2026-000002"' in page


@pytest.mark.logs(r"^Not Found: /w/")
def test_an_unknown_code_gets_a_plain_not_found_page(portal_db: Any) -> None:
    for code in ("NOPE-W-2026-000001", "\"><img src=x onerror=alert(1)>", "x" * 300):
        answer = client().get(f"/w/{code}")
        page = answer.content.decode()
        assert answer.status_code == 404 and "Not found" in page
        assert "<img" not in page
    assert "NOPE-W-2026-000001" in client().get("/w/NOPE-W-2026-000001").content.decode()
