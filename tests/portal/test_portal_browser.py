"""The staff pages and the check page in a real browser (Debian's chromium through Playwright):
a support person signs in, finds a serial and opens its claim; every page fits a phone.

Set PORTAL_SHOTS=/some/folder to keep the screenshots (desktop and phone width) for looking at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from playwright.sync_api import Browser, Page, expect

from portal.health.drift import check_report
from portal.receiver.models import Event, NightlyReport
from portal.staff.services import add_staff
from sync.runner import run_cycle
from tests.conftest import pinned_clock
from tests.portal.office import PushedBranch, push_branch
from tests.portal.support import LivePortal, chromium, register
from tests.sync.test_secrets import use
from warranty_desk.config import SyncSettings
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


@pytest.fixture(scope="module")
def pushed(live_portal: LivePortal, tmp_path_factory: pytest.TempPathFactory) -> PushedBranch:
    """A branch whose claim openings head office lost, as its nightly report shows."""
    folder = tmp_path_factory.mktemp("till")
    branch = register("EAST1")
    found = push_branch(folder, live_portal, branch)
    Event.objects.filter(branch_id=branch.pk, topic="claim.opened").delete()
    home = Home(folder / f"till-{branch.code}")
    db = Database(home.database, clock=pinned_clock())
    assert run_cycle(home, db, SyncSettings(portal_url=live_portal.url), nightly=True).nightly
    db.dispose()
    check_report(NightlyReport.objects.filter(branch_id=branch.pk).latest("pk"))
    return found


@pytest.fixture(scope="module")
def accounts(pushed: PushedBranch) -> dict[str, tuple[str, str]]:
    """A support person and an admin: (email, password) by role."""
    made = {}
    for role in ("support", "admin"):
        member, password = add_staff(f"e2e-{role}@office.example", role)
        made[role] = (member.user.get_username(), password)
    return made


@pytest.fixture(scope="module")
def browser(accounts: dict[str, tuple[str, str]]) -> Iterator[Browser]:
    """Chromium, started after the module's records are made: Playwright's sync API runs an
    event loop on this thread, and Django refuses database calls beside one.
    """
    with chromium(ARGS) as launched:
        yield launched


def _base(live: LivePortal) -> str:
    return live.url.removesuffix("/api/v1")


def _sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/office/")
    expect(page.get_by_role("heading", name="Head-office sign-in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sync health")).to_be_visible()


def test_support_signs_in_finds_a_serial_and_opens_its_claim(
    browser: Browser, live_portal: LivePortal, pushed: PushedBranch,
    accounts: dict[str, tuple[str, str]],
) -> None:
    page = browser.new_page(viewport=DESKTOP)
    try:
        _sign_in(page, _base(live_portal), *accounts["support"])
        # The serial as a person reads it off a label: lower case, with a space.
        search = page.get_by_placeholder("Serial, warranty, claim, customer, phone")
        search.fill(pushed.serials[0].lower()[:4] + " " + pushed.serials[0].lower()[4:])
        search.press("Enter")
        expect(page.get_by_role("heading", name="Claims")).to_be_visible()
        page.get_by_role("link", name=pushed.claim).click()
        expect(page.get_by_role("heading", name=pushed.claim)).to_be_visible()
        expect(page.get_by_text("Claim opened")).to_be_visible()
        download = page.get_by_role("link", name="Download photo of fault")
        assert download.get_attribute("download") == ""
        # Typing in the big search box updates the results without a page load (htmx).
        page.goto(f"{_base(live_portal)}/office/search/")
        page.locator("#q").press_sequentially(pushed.claim, delay=20)
        expect(page.locator("#results").get_by_role("link", name=pushed.claim)).to_be_visible()
        assert page.url.endswith(f"?q={pushed.claim}")
    finally:
        page.close()


def _pages(base: str, pushed: PushedBranch) -> dict[str, str]:
    return {
        "health": f"{base}/office/",
        "branch": f"{base}/office/branches/{pushed.code}/",
        "search": f"{base}/office/search/?q={pushed.serials[0]}",
        "claim": f"{base}/office/claims/{pushed.code}/{pushed.claim}/",
        "customer": f"{base}/office/customers/{pushed.code}/{pushed.customer_ref}/",
        "warranty": f"{base}/office/warranties/{pushed.code}/{pushed.codes[0]}/",
        "check": f"{base}/w/{pushed.codes[0]}",
        "not-found": f"{base}/w/NO-SUCH-CODE",
    }


@pytest.mark.logs(r"^Not Found: /w/NO-SUCH-CODE")
def test_every_page_fits_a_phone_and_a_desktop(
    browser: Browser, live_portal: LivePortal, pushed: PushedBranch, tmp_path: Path,
    accounts: dict[str, tuple[str, str]],
) -> None:
    keep = Path(os.environ["PORTAL_SHOTS"]) if os.environ.get("PORTAL_SHOTS") else None
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        try:
            page.goto(f"{_base(live_portal)}/office/sign-in/")
            _shot(page, "sign-in", width, tmp_path, keep)
            _sign_in(page, _base(live_portal), *accounts["admin"])
            for name, url in _pages(_base(live_portal), pushed).items():
                page.goto(url)
                _shot(page, name, width, tmp_path, keep)
                overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
                assert overflow <= 0, f"{name} is {overflow}px wider than a {width} screen"
        finally:
            context.close()


def _shot(page: Page, name: str, width: str, tmp_path: Path, keep: Path | None) -> None:
    path = tmp_path / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / path.name).write_bytes(path.read_bytes())
