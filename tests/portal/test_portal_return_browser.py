"""Returning a unit bought online in a real browser (chromium) at phone width, by keyboard:
the form fits the screen, a missing choice is said plainly, the sent return shows its step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from portal.projections.models import Warranty
from tests.portal.customers import Mailbox, Shops, photo
from tests.portal.live_customer import mail_box, served_portal  # noqa: F401 (fixtures)
from tests.portal.support import chromium
from tests.portal.test_portal_browser import ARGS, PHONE, check_page, policed_page


@pytest.fixture(scope="module")
def browser(portal: str, records: Shops) -> Iterator[Browser]:
    """Chromium, started once the records are made (Django refuses database calls beside
    Playwright's event loop); Ann's kettle was bought from the web shop."""
    Warranty.objects.filter(branch_id=records.north.pk, code=f"{records.north.code}-W1"
                            ).update(sale_channel="online")
    with chromium(ARGS) as launched:
        yield launched


def test_a_customer_asks_to_return_a_unit_bought_online_on_a_phone(
    browser: Browser, portal: str, mail: Mailbox, records: Shops, tmp_path: Path,
) -> None:
    camera = tmp_path / "IMG_0077.jpg"
    camera.write_bytes(photo(size=(1200, 900)))
    with policed_page(browser, PHONE) as page:
        page.goto(f"{portal}/me/sign-in/")
        page.get_by_label("Email address").press_sequentially(records.ann_email, delay=5)
        page.get_by_label("Email address").press("Enter")
        page.get_by_label("Code from the email").fill(mail.code_for(records.ann_email))
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My products")).to_be_visible()
        page.get_by_role("link", name="Return it by post for Kettle <b>Pro</b>").click()
        expect(page.get_by_role("heading", name="Kettle <b>Pro</b>")).to_be_visible()
        page.get_by_label("Does not switch on").check()
        page.get_by_label("Photo of the fault").set_input_files(str(camera))
        page.get_by_label("Your name, for the parcel").press_sequentially("Ann «North»",
                                                                          delay=5)
        page.get_by_role("button", name="Ask to return it").click()
        expect(page.get_by_role("alert")).to_contain_text("Choose what you would like")
        page.get_by_label("A refund").check()
        page.get_by_label("Your address").press_sequentially("3 Quay Lane", delay=5)
        page.get_by_label("Your address").press("Enter")
        page.get_by_label("Your address").press_sequentially("Whitby YO21 1DH", delay=5)
        page.get_by_label("Photo of the fault").set_input_files(str(camera))
        check_page(page, "customer-return-form", "phone", tmp_path)
        page.get_by_role("button", name="Ask to return it").click()
        expect(page.get_by_role("status")).to_contain_text("Return requested")
        expect(page.get_by_text("You asked to send the unit back, and asked for a refund."
                                )).to_be_visible()
        check_page(page, "customer-return-requested", "phone", tmp_path)
