"""The customer pages in a real browser (Debian's chromium through Playwright) at phone width:
a customer signs in with the code from the mail, starts a claim with a photo by keyboard and
adds a document; every customer page fits a 390 px screen.

Set PORTAL_SHOTS=/some/folder to keep the screenshots (phone and desktop width).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.portal.customers import Mailbox, Shops, photo, smtp
from tests.portal.support import PortalDatabase, chromium, served
from tests.portal.test_portal_browser import ARGS, DESKTOP, PHONE, check_page, policed_page


@pytest.fixture(scope="module")
def mail() -> Iterator[Mailbox]:
    with smtp() as box:
        yield box


@pytest.fixture(scope="module")
def portal(portal_db: PortalDatabase, mail: Mailbox, records: Shops,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("portal-log") / "gunicorn.log"
    with served(portal_db, log, threads=2, PORTAL_SMTP_HOST="127.0.0.1",
                PORTAL_SMTP_PORT=str(mail.port)) as (port, _):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser(portal: str) -> Iterator[Browser]:
    """Chromium, started after the records are made (Django refuses database calls beside
    Playwright's event loop)."""
    with chromium(ARGS) as launched:
        yield launched


def _sign_in(page: Page, base: str, mail: Mailbox, address: str) -> None:
    page.goto(f"{base}/me/sign-in/")
    page.get_by_label("Email address").press_sequentially(address, delay=5)
    page.get_by_label("Email address").press("Enter")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code from the email").fill(mail.code_for(address))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My products")).to_be_visible()


def fits_and_shot(page: Page, name: str, width: str, tmp_path: Path) -> None:
    """A customer page fits the screen, labels its fields; its shot kept under PORTAL_SHOTS."""
    check_page(page, f"customer-{name}", width, tmp_path)


def test_a_customer_starts_a_claim_on_a_phone_and_every_page_fits_it(
    browser: Browser, portal: str, mail: Mailbox, records: Shops, tmp_path: Path,
) -> Any:
    camera = tmp_path / "IMG_0042.jpg"
    camera.write_bytes(photo(size=(1200, 900)))
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        with policed_page(browser, viewport) as page:
            page.goto(f"{portal}/me/sign-in/")
            fits_and_shot(page, "sign-in", width, tmp_path)
            page.goto(f"{portal}/me/sign-in/phone/")
            fits_and_shot(page, "sign-in-phone", width, tmp_path)
            _sign_in(page, portal, mail, records.ann_email if width == "phone"
                     else records.bob_email)
            fits_and_shot(page, "products", width, tmp_path)
            if width == "desktop":
                page.goto(f"{portal}/me/claims/{records.north.code}/CL-9/")
                fits_and_shot(page, "claim", width, tmp_path)
                page.get_by_role("link", name="See them or add more").click()
                fits_and_shot(page, "documents", width, tmp_path)
                continue
            page.get_by_role("link", name="Start a claim on Kettle <b>Pro</b>").click()
            expect(page.get_by_role("heading", name="Kettle <b>Pro</b>")).to_be_visible()
            page.get_by_label("Does not switch on").check()
            page.get_by_label("In your own words").press_sequentially("Clicks «twice»",
                                                                     delay=5)
            page.get_by_label("Photo of the fault").set_input_files(str(camera))
            fits_and_shot(page, "start-claim", width, tmp_path)
            page.get_by_role("button", name="Send the claim").click()
            expect(page.get_by_role("status")).to_contain_text("Received")
            expect(page.get_by_text("Does not switch on. Clicks «twice»")).to_be_visible()
            fits_and_shot(page, "claim-received", width, tmp_path)
            page.get_by_role("link", name="See them or add more").click()
            expect(page.get_by_text("IMG_0042.jpg")).to_be_visible()
            page.get_by_label("What does it show?").select_option("proof_of_purchase")
            page.get_by_label("Photos or a PDF").set_input_files(str(camera))
            page.get_by_role("button", name="Add to the claim").click()
            expect(page.get_by_text("your files are on their way to the shop")).to_be_visible()
            fits_and_shot(page, "documents", width, tmp_path)
