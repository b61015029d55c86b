"""One sync cycle wired from the settings: documents first, push, pull, nightly, plain lines."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from keyring.backends import fail
from sqlalchemy import func, select, update

from sync.crm.tryton import TrytonConnector
from sync.crm.webhook import WebhookConnector
from sync.destinations import close_destinations, destinations
from sync.documents import pending_documents
from sync.portal import PortalDestination
from sync.runner import CycleReport, run_cycle
from sync.secrets import PORTAL_TOKEN, TRYTON_PASSWORD, WEBHOOK_SECRET, set_secret
from tests.conftest import actor, pinned_clock
from tests.liveportal.branch_view import BranchPortal
from tests.sync.engine_helpers import outbox
from tests.sync.test_secrets import use
from tests.sync.webhook_receiver import Scripted, webhook_receiver
from tests.unit.services.helpers import sell
from warranty_desk.config import SyncSettings
from warranty_desk.errors import BadInput
from warranty_desk.models import OutboxEvent
from warranty_desk.permissions import Role
from warranty_desk.services import claims
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

# Offline, refused and waiting cycles are logged as warnings: these tests cause them.
pytestmark = pytest.mark.logs(
    r"^Sync cycle",
    r"^Inbox pull stopped",
    r"named by an event is not in",
)

PNG = b"\x89PNG\r\n\x1a\n" + b"the cracked hinge" * 20
PNG_SHA = hashlib.sha256(PNG).hexdigest()
HOOK_SECRET = "hook-secret-7d1e"


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    """Secrets in the home's 0600 file, whatever keyring the machine has."""
    yield from use(fail.Keyring())


@pytest.fixture
def settings(portal: BranchPortal, home: Home) -> SyncSettings:
    set_secret(home, PORTAL_TOKEN, portal.token)
    return SyncSettings(portal_url=portal.url)


def cycle(home: Home, db: Database, settings: SyncSettings, **kw: Any) -> CycleReport:
    return run_cycle(home, db, settings, **kw)


def open_claim(db: Database, invoice: str = "INV-1001", serial: str = "SN-LAP-0001") -> str:
    code = sell(db, invoice, serials=(serial,)).warranty_codes[0]
    opened = claims.start_claim(db, actor(Role.SALES), claims.StartClaim(code, "Hinge cracked"))
    return opened.number


def pushed_ids(portal: BranchPortal) -> list[str]:
    return portal.event_ids()


# --- destinations --------------------------------------------------------------------------


def test_without_a_portal_address_the_error_says_what_to_set_and_where(
    home: Home, db: Database
) -> None:
    with pytest.raises(BadInput, match=r"config set sync.portal_url .*Settings > Sync"):
        destinations(home, SyncSettings(), clock=pinned_clock())


def test_without_a_token_the_error_names_the_set_secret_command(
    home: Home, db: Database, portal: BranchPortal
) -> None:
    with pytest.raises(BadInput, match=r"config set-secret portal-token.*Settings > Sync"):
        destinations(home, SyncSettings(portal_url=portal.url), clock=pinned_clock())


def test_settings_config_would_refuse_are_refused_here_too(
    home: Home, db: Database, settings: SyncSettings
) -> None:
    with pytest.raises(BadInput, match="must start with https://"):
        destinations(home, replace(settings, portal_url="http://portal.example.com/api/v1"),
                     clock=pinned_clock())


def test_a_crm_without_its_secret_is_a_settings_problem(
    home: Home, db: Database, settings: SyncSettings
) -> None:
    webhook = replace(settings, crm="webhook", crm_url="https://crm.example.com/hook")
    with pytest.raises(BadInput, match="set-secret webhook-secret"):
        destinations(home, webhook, clock=pinned_clock())
    tryton = replace(settings, crm="tryton", crm_url="https://erp.example.com",
                     tryton_database="crm", tryton_user="sync")
    with pytest.raises(BadInput, match="set-secret tryton-password"):
        destinations(home, tryton, clock=pinned_clock())


def test_the_portal_comes_first_then_the_crm_on_the_shops_branch(
    home: Home, db: Database, settings: SyncSettings
) -> None:
    set_secret(home, WEBHOOK_SECRET, HOOK_SECRET)
    set_secret(home, TRYTON_PASSWORD, "pw")
    for crm, kind in (("webhook", WebhookConnector), ("tryton", TrytonConnector)):
        dests = destinations(home, replace(settings, crm=crm, crm_url="https://crm.example.com",
                                           tryton_database="crm", tryton_user="sync"),
                             clock=pinned_clock())
        try:
            assert [d.name for d in dests] == ["portal", "crm"]
            portal = dests[0]
            assert isinstance(portal, PortalDestination) and portal.branch == "BR01"
            assert isinstance(dests[1], kind)
        finally:
            close_destinations(dests)
    dests = destinations(home, replace(settings, branch="HQ7"), clock=pinned_clock())
    assert [d.name for d in dests] == ["portal"]
    assert isinstance(dests[0], PortalDestination) and dests[0].branch == "HQ7"
    close_destinations(dests)


# --- cycles --------------------------------------------------------------------------------


def test_online_everything_goes_and_the_line_says_nothing_waits(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    open_claim(shop)
    report = cycle(home, shop, settings)
    assert report.online and report.complete and report.waiting == 0
    assert report.pushed is not None and report.pushed.delivered == len(pushed_ids(portal)) > 0
    assert report.pulled is not None and report.pulled.error == ""
    assert report.message == (f"Sent {report.pushed.delivered} records, pulled 0 inbox items; "
                              "nothing waiting.")
    again = cycle(home, shop, settings)
    assert again.complete and again.pushed is not None and again.pushed.delivered == 0
    assert portal.answers["duplicate"] == 0


def test_offline_is_a_report_not_an_exception_and_counts_what_waits(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    open_claim(shop)
    portal.go_offline()
    report = cycle(home, shop, settings)
    assert not report.online and not report.complete and report.waiting > 0
    assert report.message.startswith("Offline: could not reach the portal at 127.0.0.1:")
    assert report.message.endswith(f"; {report.waiting} records wait and will go when it is "
                                   "back.")
    assert report.pulled is not None and report.pulled.error
    portal.go_online()
    back = cycle(home, shop, settings)
    assert back.complete and back.pushed is not None and back.pushed.delivered == report.waiting


def test_documents_go_before_the_events_that_name_them_and_only_those_missing(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    number = open_claim(shop)
    store = DocumentStore(home.documents)
    photo = store.put(PNG, name="hinge.png")
    held = store.put(b"%PDF-1.4\n receipt " * 30, name="receipt.pdf")
    portal.hold_document(store.open(held.sha256))  # the portal has it already
    for doc, kind in ((photo, "photo_of_fault"), (held, "proof_of_purchase")):
        claims.attach_evidence(shop, actor(Role.SALES), number, kind=kind, sha256=doc.sha256,
                               media_type=doc.media_type, size=doc.size)
    assert pending_documents(shop) == [PNG_SHA, held.sha256]
    report = cycle(home, shop, settings)
    assert report.complete, report.message
    assert portal.documents[PNG_SHA] == PNG
    calls = [(c.method, c.path.split("/")[-1]) for c in portal.calls]
    put = calls.index(("PUT", PNG_SHA))
    assert ("PUT", held.sha256) not in calls
    assert put < calls.index(("POST", "events"))
    assert pending_documents(shop) == []  # delivered: nothing to upload next time


def test_a_missing_local_document_does_not_hold_the_events(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    number = open_claim(shop)
    claims.attach_evidence(shop, actor(Role.SALES), number, kind="photo_of_fault",
                           sha256="ab" * 32, media_type="image/png", size=10)
    report = cycle(home, shop, settings)
    assert report.complete, report.message
    assert not any(c.method == "PUT" for c in portal.calls)


def test_a_refused_event_parks_and_the_line_points_to_the_sync_panel(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    open_claim(shop)
    portal.refuse(e[1] for e in outbox(shop) if e[2] == "claim.opened")
    report = cycle(home, shop, settings)
    assert report.online and not report.complete
    assert report.queues[0].parked == 1
    assert "The portal refused 1 record; retry or dismiss them in the sync panel" in (
        report.message)


def test_a_busy_portal_is_online_but_not_complete(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    open_claim(shop)
    portal.chaos.error_500 = 1.0
    report = cycle(home, shop, settings, pull=False)
    assert report.online and not report.complete and report.pulled is None
    assert "The portal answered 500" in report.message
    assert report.message.startswith(f"Sent 0 records; {report.waiting} records wait: ")


def test_a_wrong_token_is_a_refusal_to_fix_not_an_outage(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    open_claim(shop)
    set_secret(home, PORTAL_TOKEN, "not-the-token")
    report = cycle(home, shop, settings)
    assert report.online and not report.complete
    assert "refused the sync token (401): Missing or wrong sync token." in report.message
    assert report.message.count("Settings → Sync") == 1, report.message
    assert "not-the-token" not in report.message


def test_push_only_and_pull_only(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    open_claim(shop)
    pushed = cycle(home, shop, settings, pull=False)
    assert pushed.pulled is None and pushed.pushed is not None and pushed.complete
    assert not any(c.path.split("?")[0].endswith("/inbox") for c in portal.calls)
    open_claim(shop, "INV-1002", "SN-LAP-0002")
    pulled = cycle(home, shop, settings, push=False)
    assert pulled.pushed is None and pulled.pulled is not None
    assert pulled.complete and pulled.message == "Pulled 0 inbox items."
    assert pulled.queues == ()


def test_the_nightly_run_drains_pulls_and_reports(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    open_claim(shop)
    report = cycle(home, shop, settings, nightly=True, push=False, pull=False)
    assert report.nightly and report.complete and report.pulled is not None
    assert report.message.endswith(", sent the nightly report; nothing waiting.")
    [sent] = portal.nightly
    assert sent["branch"] == "BR01" and sum(d["count"] for d in sent["days"]) == len(
        pushed_ids(portal))


def test_after_an_accepted_nightly_report_delivered_old_events_leave_the_outbox(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    open_claim(shop, "INV-1001", "SN-LAP-0001")
    open_claim(shop, "INV-1002", "SN-LAP-0002")
    with shop.write() as session:  # everything so far happened a month ago
        session.execute(update(OutboxEvent).values(created_at=shop.clock.now() - timedelta(
            days=30)))
        before = session.scalar(select(func.count()).select_from(OutboxEvent))
    cycle(home, shop, settings)  # delivered, but no nightly report has counted them yet
    with shop.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == before

    report = cycle(home, shop, settings, nightly=True)

    assert report.nightly
    with shop.read() as session:
        left = list(session.scalars(select(OutboxEvent.topic)))
    assert left == ["customer.updated"]  # the newest stays, so seq never restarts below it
    # The night's own run of the retention rules found Ada's two claims in a year: her
    # follow-up went with the push, the one event newer than the month-old ones.
    assert len(pushed_ids(portal)) == before + 1


def test_an_offline_nightly_run_gives_up_at_its_time_limit_and_sends_no_report(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    open_claim(shop)
    portal.go_offline()
    start = time.monotonic()
    report = cycle(home, shop, settings, nightly=True, time_limit=1.5)
    assert 1.4 < time.monotonic() - start < 15
    assert not report.online and not report.nightly and report.waiting > 0
    assert portal.nightly == []


def test_an_offline_nightly_run_with_documents_keeps_trying_the_upload(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    number = open_claim(shop)
    photo = DocumentStore(home.documents).put(PNG, name="hinge.png")
    claims.attach_evidence(shop, actor(Role.SALES), number, kind="photo_of_fault",
                           sha256=photo.sha256, media_type=photo.media_type, size=photo.size)
    portal.go_offline()
    report = cycle(home, shop, settings, nightly=True, time_limit=1.0)
    assert not report.online and report.pushed is not None
    assert report.pushed.destinations[0].pending == report.waiting > 0
    assert report.message.startswith("Offline: could not reach the portal at")


def test_an_unreachable_crm_is_offline_too_while_the_portal_takes_everything(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    set_secret(home, WEBHOOK_SECRET, HOOK_SECRET)
    open_claim(shop)
    with webhook_receiver(HOOK_SECRET) as receiver:
        url = receiver.url
    hooked = replace(settings, crm="webhook", crm_url=url)
    report = cycle(home, shop, hooked)
    assert not report.online
    assert report.message.startswith("Offline: no answer from the CRM (Could not reach "
                                     "http://127.0.0.1:")
    portal_queue, crm_queue = report.queues
    assert (portal_queue.destination, portal_queue.pending) == ("portal", 0)
    assert crm_queue.pending > 0


def test_the_webhook_crm_gets_customers_and_outcomes_once(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    set_secret(home, WEBHOOK_SECRET, HOOK_SECRET)
    open_claim(shop)
    with webhook_receiver(HOOK_SECRET) as receiver:
        hooked = replace(settings, crm="webhook", crm_url=receiver.url)
        report = cycle(home, shop, hooked)
        assert report.complete, report.message
        stored = dict(receiver.stored)
        assert stored and all(json.dumps(v) for v in stored.values())
        assert cycle(home, shop, hooked).complete
        assert receiver.stored == stored and 409 not in receiver.answers


def test_a_record_the_crm_refuses_parks_and_the_line_names_the_crm_in_capitals(
    home: Home, shop: Database, portal: BranchPortal, settings: SyncSettings
) -> None:
    set_secret(home, WEBHOOK_SECRET, HOOK_SECRET)
    open_claim(shop)
    with webhook_receiver(HOOK_SECRET) as receiver:
        receiver.script.append(Scripted(422, {"error": "No such customer segment"}))
        report = cycle(home, shop, replace(settings, crm="webhook", crm_url=receiver.url))
    assert report.online and not report.complete
    assert report.queues[1].parked == 1
    assert "The CRM refused 1 record" in report.message  # not "The crm"
    assert any(p.startswith("The CRM refused 1 record") for p in report.problems)
