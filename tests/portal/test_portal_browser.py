"""The staff pages, the check page and the customer pages in a real browser (Debian's chromium
through Playwright): a support person signs in, finds a serial and opens its claim; a customer
signs in with the code from the mail (aiosmtpd), reads their products and a claim, downloads a
certificate. Every page fits a phone (390 px, no sideways scrolling) and labels every field.

Set PORTAL_SHOTS=/some/folder to keep the screenshots (desktop and phone width) for looking at
(PORTAL_SHOTS=docs/screenshots/portal refreshes the ones the README shows).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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
from tests.portal.customers import Mailbox, Shops
from tests.portal.office import PushedBranch, push_branch
from tests.portal.support import LivePortal, chromium, free_port, register
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


@pytest.fixture(scope="module", autouse=True)
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server the served portal mails sign-in codes to (started before it)."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_SMTP_HOST", "127.0.0.1")
        patch.setenv("PORTAL_SMTP_PORT", str(port))
        try:
            yield box
        finally:
            controller.stop()


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
def browser(accounts: dict[str, tuple[str, str]], records: Shops) -> Iterator[Browser]:
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
        "office-health": f"{base}/office/",
        "office-branch": f"{base}/office/branches/{pushed.code}/",
        "office-search": f"{base}/office/search/?q={pushed.serials[0]}",
        "office-claim": f"{base}/office/claims/{pushed.code}/{pushed.claim}/",
        "office-customer": f"{base}/office/customers/{pushed.code}/{pushed.customer_ref}/",
        "office-warranty": f"{base}/office/warranties/{pushed.code}/{pushed.codes[0]}/",
        "office-web-orders": f"{base}/office/web-orders/",
        "office-brand-claims": f"{base}/office/brand-claims/",
        "office-metrics": f"{base}/office/metrics/?by=branch",
        "check": f"{base}/w/{pushed.codes[0]}",
        "check-not-found": f"{base}/w/NO-SUCH-CODE",
    }


@pytest.mark.logs(r"^Not Found: /w/NO-SUCH-CODE")
def test_every_page_fits_a_phone_and_a_desktop(
    browser: Browser, live_portal: LivePortal, pushed: PushedBranch, tmp_path: Path,
    accounts: dict[str, tuple[str, str]],
) -> None:
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        with policed_page(browser, viewport) as page:
            page.goto(f"{_base(live_portal)}/office/sign-in/")
            check_page(page, "office-sign-in", width, tmp_path)
            _sign_in(page, _base(live_portal), *accounts["admin"])
            for name, url in _pages(_base(live_portal), pushed).items():
                page.goto(url)
                if name == "office-branch":  # one event counted in the drift, in good English
                    expect(page.get_by_text("Till: 1 event, hash")).to_be_visible()
                check_page(page, name, width, tmp_path)


def _customer_signs_in(page: Page, base: str, email: str, box: Mailbox, width: str,
                       tmp_path: Path) -> None:
    page.goto(f"{base}/me/")
    expect(page.get_by_role("heading", name="Your warranties")).to_be_visible()
    check_page(page, "customer-sign-in", width, tmp_path)
    page.get_by_label("Email address").press_sequentially(email, delay=10)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    check_page(page, "customer-code", width, tmp_path)
    page.get_by_label("Code from the email").fill(box.code_for(email))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My products")).to_be_visible()
    # Told in green, by the address they know (not the account's internal name).
    notice = page.locator("p.note")
    expect(notice).to_have_text(f"You are signed in as {email}.")
    # Waited for: the colour comes with the stylesheet, a file of its own since the CSP.
    expect(notice).to_have_css("color", "rgb(20, 108, 46)")


def test_a_customer_signs_in_with_the_mailed_code_and_reads_products_claim_and_certificate(
    browser: Browser, live_portal: LivePortal, records: Shops, mailbox: Mailbox,
    tmp_path: Path,
) -> None:
    base = _base(live_portal)
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        # Ann bought at two branches (one unit void); Bob has a claim under way.
        with policed_page(browser, viewport, accept_downloads=True) as page:
            _customer_signs_in(page, base, records.ann_email, mailbox, width, tmp_path)
            expect(page.get_by_role("heading", name="Kettle <b>Pro</b>")).to_be_visible()
            expect(page.get_by_text("Reason: Water damage at intake", exact=True)).to_be_visible()
            # A branch without a name is named once, not "TC7EB (branch TC7EB)".
            expect(page.get_by_text(f"Branch {records.south.code}", exact=True).first
                   ).to_be_visible()
            check_page(page, "customer-products", width, tmp_path)
            with page.expect_download() as download:
                page.get_by_role("link", name="Download the certificate (PDF) for Old radio"
                                 ).click()
            assert download.value.suggested_filename == f"warranty-{records.south.code}-W2.pdf"
            page.get_by_role("button", name="Sign out").click()
            expect(page.get_by_role("heading", name="Your warranties")).to_be_visible()
            _customer_signs_in(page, base, records.bob_email, mailbox, width, tmp_path)
            page.get_by_role("link", name="CL-9").click()
            expect(page.get_by_role("heading", name="Bob's fridge")).to_be_visible()
            expect(page.locator("p[role=status]")).to_contain_text("Repairing")
            check_page(page, "customer-claim", width, tmp_path)


def watch_policy(page: Page) -> list[str]:
    """What the page's console says the browser refused under the content security policy
    (an inline style or script): filled as the page goes."""
    said: list[str] = []
    page.on("console", lambda message: said.append(message.text)
            if "Content Security Policy" in message.text else None)
    return said


@contextmanager
def policed_page(browser: Browser, viewport: Any, **options: Any) -> Iterator[Page]:
    """A page in a context of its own at a viewport, closed after; once the test's steps pass,
    the browser must have refused nothing under the content security policy."""
    context = browser.new_context(viewport=viewport, **options)
    try:
        page = context.new_page()
        refused = watch_policy(page)
        yield page
    finally:
        context.close()
    assert refused == []


# Inputs a person fills in that no <label> (or aria-label) names.
_UNLABELLED = """[...document.querySelectorAll('input, select, textarea')]
  .filter(e => !['hidden', 'submit', 'button'].includes(e.type))
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
  .map(e => e.outerHTML)"""


def check_page(page: Page, name: str, width: str, tmp_path: Path) -> None:
    """The page fits the screen's width, labels its fields, and is photographed (kept in
    PORTAL_SHOTS when that is set).
    """
    page.wait_for_load_state()  # the stylesheets too: measured unstyled, a page can overflow
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px wider than a {width} screen"
    assert page.evaluate(_UNLABELLED) == [], f"{name} has fields without a label"
    path = tmp_path / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    if os.environ.get("PORTAL_SHOTS"):
        keep = Path(os.environ["PORTAL_SHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        (keep / path.name).write_bytes(path.read_bytes())
