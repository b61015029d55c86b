"""A supplier's contact at head office in a real browser (chromium through Playwright) on the
served portal: signs in, lands on their brand claims, opens one, sends a status and a report,
is told plainly what is wrong with an amount; the pages fit a phone and label every field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from playwright.sync_api import Browser, Page, expect

from portal.staff.services import add_staff
from tests.portal.customers import PDF
from tests.portal.suppliers import Lodged, lodged_for_module
from tests.portal.support import LivePortal, chromium
from tests.portal.test_portal_browser import ARGS, DESKTOP, PHONE, check_page, policed_page
from tests.sync.test_secrets import use


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


@pytest.fixture(scope="module")
def lodged(live_portal: LivePortal, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Lodged]:
    yield from lodged_for_module(live_portal, tmp_path_factory)


@pytest.fixture(scope="module")
def account(lodged: Lodged) -> tuple[str, str]:
    member, password = add_staff("service@kettlo.example", "supplier", "Kettlo")
    return member.user.get_username(), password


@pytest.fixture(scope="module")
def browser(account: tuple[str, str]) -> Iterator[Browser]:
    """Chromium, started after the module's records are made (Django refuses database calls
    beside Playwright's event loop)."""
    with chromium(ARGS) as launched:
        yield launched


def _sign_in(page: Page, url: str, account: tuple[str, str]) -> None:
    page.goto(url)
    page.get_by_label("Email").fill(account[0])
    page.get_by_label("Password").fill(account[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Brand claims by supplier")).to_be_visible()


def test_a_supplier_contact_signs_in_and_sends_a_status_and_a_report(
    browser: Browser, live_portal: LivePortal, lodged: Lodged, account: tuple[str, str],
    tmp_path: Path,
) -> None:
    base = live_portal.url.removesuffix("/api/v1")
    report = tmp_path / "Befund 77.pdf"
    report.write_bytes(PDF)
    with policed_page(browser, DESKTOP) as page:
        _sign_in(page, f"{base}/office/", account)  # where staff start: their own page
        expect(page.get_by_text(lodged.toastr)).to_have_count(0)
        page.get_by_role("link", name=lodged.kettlo).click()
        expect(page.get_by_role("heading", name=lodged.kettlo)).to_be_visible()
        check_page(page, "office-supplier-brand-claim", "desktop", tmp_path)

        page.get_by_label("Where your company has the claim").select_option("in_repair")
        page.get_by_label("Note for the branch (optional)").press_sequentially(
            "Am Prüfstand — 修理中", delay=10)
        page.get_by_role("button", name="Send the status").click()
        expect(page.get_by_text("The status is on its way to branch")).to_be_visible()
        page.get_by_label("Your service report: a PDF or a photo (JPEG, PNG or WebP)"
                          ).set_input_files(str(report))
        page.get_by_role("button", name="Upload the report").click()
        expect(page.get_by_text("Your report is on its way to branch")).to_be_visible()
        expect(page.get_by_text("sent to the branch", exact=True)).to_have_count(2)

        page.get_by_label("Amount").fill("zwölf")
        page.get_by_role("button", name="Send the proposal").click()
        expect(page.get_by_role("alert")).to_contain_text("'zwölf' is not an amount")
        # What was typed is still there to correct.
        expect(page.get_by_label("Amount")).to_have_value("zwölf")
    with policed_page(browser, PHONE) as phone:
        _sign_in(phone, f"{base}/office/sign-in/", account)
        check_page(phone, "office-supplier-brand-claims", "phone", tmp_path)
        phone.get_by_role("link", name=lodged.kettlo).click()
        check_page(phone, "office-supplier-brand-claim", "phone", tmp_path)
