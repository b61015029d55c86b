"""The customer's whole journey in a real browser (issue 15): a sale at a till syncs to the
portal; its customer signs in with the code from the mail, starts a claim with a photo and
writes to the shop; the till pulls both, staff move the claim to repair and reply, the till
syncs; the customer sees the steps and the reply, and the step's mail and the reply reach her.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from sync.runner import run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import TODAY, actor
from tests.portal.customers import Mailbox, photo

# The live customer fixtures: no keyring, the test's mail server, the portal mailing to it.
from tests.portal.live_customer import mail_box, no_keyring, served_portal  # noqa: F401
from tests.portal.support import PortalDatabase, RegisteredBranch, chromium, run_worker
from tests.portal.test_portal_accessibility import accessibility_problems
from tests.portal.test_portal_browser import ARGS, DESKTOP, PHONE, watch_policy
from tests.portal.test_portal_customer_browser import fits_and_shot
from tests.portal.till import till
from warranty_desk.config import SyncSettings
from warranty_desk.models import Claim, CustomerMessage
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.services import catalogue, claim_messages, claims
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput

EVE = "eve.journey@example.com"


def _both_widths(page: Page, name: str, tmp_path: Path) -> None:
    """The page as it is, on a phone and on a desktop (screenshots kept under PORTAL_SHOTS),
    labelled, reachable by Tab and legible."""
    assert accessibility_problems(page) == [], name
    fits_and_shot(page, name, "phone", tmp_path)
    page.set_viewport_size(DESKTOP)
    fits_and_shot(page, name, "desktop", tmp_path)
    page.set_viewport_size(PHONE)


def test_a_sale_at_the_till_becomes_a_claim_the_customer_follows_in_her_browser(
    portal: str, mail: Mailbox, portal_db: PortalDatabase, branch: RegisteredBranch,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The worker's check reads the portal's database on this thread, beside Playwright's loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    smtp_env = {"PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(mail.port)}
    home, db = till(tmp_path, branch)
    owner, sales, manager = actor(Role.OWNER), actor(Role.SALES), actor(Role.MANAGER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Kettles", manufacturer_months=24))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="KT-J", name="Brew Journey", brand="Brew", category="small appliances",
        policy="Kettles", list_price_minor=4_900)])
    catalogue.add_extension_plan(db, owner, catalogue.ExtensionPlanInput(
        name="Care Plus", months=24, price_minor=4_900))
    record_sale(db, sales, SaleInput(f"INV-J{branch.code}", TODAY, (
        LineInput("KT-J", 1, 4_900, (f"SN-{branch.code}-J",)),),
        CustomerInput("Eve Journey", email=EVE)))
    set_secret(home, PORTAL_TOKEN, branch.token)
    settings = SyncSettings(portal_url=f"{portal}/api/v1")
    assert run_cycle(home, db, settings).complete
    run_worker(portal_db, **smtp_env)
    camera = tmp_path / "IMG_2044.jpg"
    camera.write_bytes(photo(size=(1200, 900)))

    with chromium(ARGS) as browser:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        refused = watch_policy(page)

        # Sign in with the code from the mail, typed as a person types it.
        page.goto(f"{portal}/me/sign-in/")
        _both_widths(page, "sign-in", tmp_path)
        page.get_by_label("Email address").click()
        page.keyboard.type(EVE, delay=5)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        # No notice that the code "has been sent": that would tell a stranger the address is
        # known, and contradict the page's own careful words.
        expect(page.get_by_text("has been sent")).to_have_count(0)
        _both_widths(page, "code", tmp_path)
        page.get_by_label("Code from the email").click()
        page.keyboard.type(mail.code_for(EVE), delay=20)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="My products")).to_be_visible()
        expect(page.get_by_text("Brew Journey").first).to_be_visible()
        _both_widths(page, "products", tmp_path)

        # A claim with a photo from the camera, then a message to the shop.
        page.get_by_role("link", name="Start a claim on Brew Journey").click()
        start = page.url
        page.get_by_label("Does not heat").check()  # the till's faults for small appliances
        page.get_by_label("In your own words").press_sequentially("Clicks, then nothing",
                                                                 delay=5)
        page.get_by_label("Photo of the fault").set_input_files(str(camera))
        _both_widths(page, "start-claim", tmp_path)
        page.get_by_role("button", name="Send the claim").click()
        expect(page.get_by_role("status")).to_contain_text("Received")
        _both_widths(page, "claim-received", tmp_path)
        page.get_by_role("link", name="Messages with the shop").click()
        page.get_by_label("Your message").press_sequentially("Can I bring it on Saturday?",
                                                             delay=5)
        page.get_by_role("button", name="Send to the shop").click()
        expect(page.get_by_role("status")).to_contain_text("Your message is with the shop.")

        # The till pulls the claim, its photo and the message; staff move it to repair and reply.
        pulled = run_cycle(home, db, settings)
        assert pulled.pulled is not None and pulled.pulled.applied == 3, pulled.message
        with db.read() as session:
            claim = session.scalars(select(Claim).where(Claim.channel == "portal")).one()
            number = claim.number
            heard = session.scalars(select(CustomerMessage.body).where(
                CustomerMessage.direction == "inbound")).all()
        assert heard == ["Can I bring it on Saturday?"]
        for step in (ClaimState.REVIEWING, ClaimState.INSPECTING, ClaimState.REPAIRING):
            claims.advance(db, manager, number, step)
        claim_messages.reply(db, manager, number, "Yes, Saturday suits: we open at 9.")
        assert run_cycle(home, db, settings).complete
        run_worker(portal_db, **smtp_env)

        # The customer finds the claim under My products: its steps, the shop's message
        # beside hers.
        page.get_by_role("link", name="My products").click()
        page.get_by_role("link", name=f"{number} · Brew Journey").click()
        expect(page.get_by_role("status")).to_contain_text("repair")
        assert page.locator("ol.layers li").count() >= 4  # received, review, inspection, repair
        _both_widths(page, "timeline", tmp_path)
        page.get_by_role("link", name="See them or add more").click()
        expect(page.get_by_text("IMG_2044.jpg")).to_be_visible()
        _both_widths(page, "documents", tmp_path)
        page.go_back()
        page.get_by_role("link", name="Messages with the shop").click()
        expect(page.locator(".thread .mine")).to_contain_text("Can I bring it on Saturday?")
        expect(page.locator(".thread .shop").last).to_contain_text("Saturday suits")
        expect(page.locator(".thread .shop").nth(-2)).to_contain_text("is being repaired")
        _both_widths(page, "messages", tmp_path)

        # A second claim on the unit (from a kept link: the button is gone) is refused in words.
        page.goto(start)
        expect(page.get_by_role("status")).to_contain_text("A claim cannot be started here")
        _both_widths(page, "start-claim-refused", tmp_path)

        # Longer cover: the plan, its terms, the request to the shop.
        page.get_by_role("link", name="Extend cover").click()
        _both_widths(page, "extensions", tmp_path)
        page.get_by_role("link", name="See terms and price of Care Plus for Brew Journey").click()
        _both_widths(page, "extension", tmp_path)
        page.get_by_label("At the shop, when I next visit").check()
        page.get_by_role("button", name="Ask the shop for this extension").click()
        expect(page.get_by_role("status")).to_contain_text("Your request is with the shop.")
        _both_widths(page, "extension-requested", tmp_path)
        assert refused == []
        context.close()

    subjects = [str(message["Subject"]) for to, message in mail.messages if to == [EVE]]
    assert f"Claim {number}: your Brew Journey is being repaired" in subjects
    assert f"Claim {number}: our reply" in subjects
