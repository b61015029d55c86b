"""A cycle's line never contradicts itself: "Offline" only when the portal gave no answer of its
own, never quoting an answer; an answer from the portal is never called "offline"; one cause
that stops several steps is said once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from keyring.backends import fail

from sync.runner import CycleReport, run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import actor
from tests.liveportal.branch_view import BranchPortal
from tests.sync.chaos_proxy import CAPTIVE
from tests.sync.test_secrets import use
from tests.unit.services.helpers import sell
from warranty_desk.config import SyncSettings
from warranty_desk.permissions import Role
from warranty_desk.services import claims, sync_admin
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.logs(r"^Sync cycle", r"^Inbox pull stopped")

# What each kind of line may not say: an offline line claims no answer came from the portal.
ANSWER_WORDS = ("answered", "refused", "HTTP 5")
NO_ANSWER_WORDS = ("Offline", "did not answer", "could not reach", "Could not reach")


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


def _cycle(home: Home, shop: Database, portal: BranchPortal) -> CycleReport:
    set_secret(home, PORTAL_TOKEN, portal.token)
    code = sell(shop, "INV-2001", serials=("SN-WORD-1",)).warranty_codes[0]
    claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(code, "Screen flickers"))
    return run_cycle(home, shop, SyncSettings(portal_url=portal.url))


@pytest.mark.parametrize("mode", [*CAPTIVE, "drop"])
def test_no_answer_from_the_portal_is_offline_and_quotes_no_answer(
    home: Home, shop: Database, portal: BranchPortal, mode: str
) -> None:
    portal.proxy.mode = mode  # a captive page, a proxy or a firewall answers instead
    report = _cycle(home, shop, portal)
    line = report.message
    assert not report.online and line.startswith("Offline: "), line
    assert not any(word in line for word in ANSWER_WORDS), line
    assert line.endswith(f"; {report.waiting} records wait and will go when it is back."), line
    assert sync_admin.parked(shop) == []


@pytest.mark.parametrize(("status", "said"), [
    (500, "The portal answered 500 (it will be tried again): The portal had an internal error"),
    (429, "The portal answered 429 (it will be tried again): Slow down"),
])
def test_an_answer_from_the_portal_is_never_called_offline_and_is_said_once(
    home: Home, shop: Database, portal: BranchPortal, status: int, said: str
) -> None:
    if status == 500:
        portal.chaos.error_500 = 1.0
    else:
        portal.chaos.too_many = 1.0
    report = _cycle(home, shop, portal)
    line = report.message
    assert report.online and not report.complete, line
    assert not any(word in line for word in NO_ANSWER_WORDS), line
    # Documents, push and pull all met it: the line gives it once, the pull's share included.
    assert line.count(said) == 1, line
    assert line.startswith(f"Sent 0 records, pulled 0 inbox items; {report.waiting} records "
                           f"wait: {said}"), line
