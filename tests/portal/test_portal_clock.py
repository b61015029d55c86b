"""The portal's one clock: every stamp, "N minutes ago" and "today" comes from it, in the
served portal and in this process alike, never from the machine's wall clock.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from portal.branches import services
from portal.branches.models import Branch, BranchToken
from portal.inbox.services import queue_item
from portal.projections.models import Product, Warranty, WarrantyLayer
from portal.receiver.models import Event, NightlyReport
from portal.settings import env
from sync.nightly import run_nightly
from tests.conftest import TODAY
from tests.portal.office import client, signed_in
from tests.portal.support import NOON, LivePortal, register
from tests.portal.till import client as till_client
from tests.portal.till import push_all, till
from warranty_desk.clock import FixedClock, SystemClock


def test_what_the_served_portal_stores_is_stamped_by_its_clock(
    live_portal: LivePortal, tmp_path: Path,
) -> None:
    branch = register()
    _, db = till(tmp_path, branch, claims=2)
    assert push_all(db, live_portal, branch) > 0
    run_nightly(db, till_client(live_portal, branch.token))
    stamps = set(Event.objects.filter(branch_id=branch.pk).values_list("received_at", flat=True))
    assert stamps == {NOON}
    assert Branch.objects.get(pk=branch.pk).last_push_at == NOON
    assert NightlyReport.objects.get(branch_id=branch.pk).received_at == NOON
    # Every id the till made is of the pinned day, whatever day the machine thinks it is.
    assert {e.id.int >> 80 for e in Event.objects.filter(branch_id=branch.pk)} <= set(
        range(int(NOON.timestamp() * 1000), int(NOON.timestamp() * 1000) + 1000))


def test_registering_revoking_and_queueing_are_stamped_by_the_clock(
    portal_db: Any, portal_clock: FixedClock,
) -> None:
    branch = register()
    assert Branch.objects.get(pk=branch.pk).created_at == NOON
    portal_clock.advance(timedelta(hours=3))
    services.revoke_tokens(branch.code)
    assert BranchToken.objects.get(branch_id=branch.pk).revoked_at == NOON + timedelta(hours=3)
    item = queue_item(Branch.objects.get(pk=branch.pk), "message_received",
                      {"claim_ref": "BR01-C-2026-000001", "body": "Any news?"})
    assert item.created_at == NOON + timedelta(hours=3)


def test_the_health_page_says_how_long_ago_a_branch_pushed_by_the_clock(
    live_portal: LivePortal, tmp_path: Path, portal_clock: FixedClock,
) -> None:
    branch = register()
    _, db = till(tmp_path, branch, claims=1)
    push_all(db, live_portal, branch)
    browser, _ = signed_in("auditor")
    portal_clock.advance(timedelta(seconds=40))
    assert "just now" in browser.get(reverse("office:health")).content.decode()
    portal_clock.advance(timedelta(hours=1, minutes=29, seconds=20))
    for url in (reverse("office:health"), reverse("office:branch", args=[branch.code])):
        page = browser.get(url).content.decode().replace("\xa0", " ")  # Django's no-break
        assert "1 hour, 30 minutes ago" in page, url


def test_the_check_page_stands_on_the_clocks_day(portal_db: Any,
                                                 portal_clock: FixedClock) -> None:
    branch = register()
    product = Product.objects.create(branch_id=branch.pk, sku="KET-1", name="Kettle")
    row = Warranty.objects.create(branch_id=branch.pk, code=f"{branch.code}-W-2026-000009",
                                  product=product, status="active",
                                  start_on=TODAY - timedelta(days=100),
                                  end_on=TODAY + timedelta(days=9))
    WarrantyLayer.objects.create(warranty=row, position=0, kind="shop",
                                 start_on=row.start_on, end_on=row.end_on)
    page = client().get(f"/w/{row.code}").content.decode()
    assert "In cover" in page and "10 days left" in page
    portal_clock.advance(timedelta(days=10))
    page = client().get(f"/w/{row.code}").content.decode()
    assert "Expired" in page and "In cover" not in page


def test_only_an_instant_with_its_offset_stands_the_clock(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.delenv("PORTAL_CLOCK_AT", raising=False)
    assert isinstance(env.clock("PORTAL_CLOCK_AT"), SystemClock)
    monkeypatch.setenv("PORTAL_CLOCK_AT", "2026-11-22T12:00:00+00:00")
    standing = env.clock("PORTAL_CLOCK_AT")
    assert isinstance(standing, FixedClock) and standing.now() == NOON
    for wrong in ("2026-11-22T12:00:00", "next tuesday"):
        monkeypatch.setenv("PORTAL_CLOCK_AT", wrong)
        with pytest.raises(ImproperlyConfigured, match="give an instant with its offset"):
            env.clock("PORTAL_CLOCK_AT")


@pytest.mark.parametrize(("since", "words"), [
    (timedelta(seconds=59), "just now"), (timedelta(minutes=-5), "just now"),
    (timedelta(minutes=1), "1 minute ago"), (timedelta(hours=1, minutes=30),
                                             "1 hour, 30 minutes ago"),
    (timedelta(hours=5), "5 hours ago"), (timedelta(days=1, minutes=59), "1 day ago"),
    (timedelta(days=15, hours=2), "2 weeks, 1 day ago"),
    (timedelta(days=400), "1 year, 1 month ago"),
])
def test_how_long_ago_in_words(since: timedelta, words: str) -> None:
    from portal.staff.templatetags.office import ago_at

    assert ago_at(NOON - since, NOON) == words
    assert ago_at(None, NOON) == "never"
