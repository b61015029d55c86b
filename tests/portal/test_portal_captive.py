"""A captive Wi-Fi page or a proxy between the till and the real portal parks nothing: only the
portal's own problem answer can refuse a record, and everything arrives once it answers again."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from portal.receiver.models import Document, Event
from sync.runner import run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import actor
from tests.portal.support import LivePortal, RegisteredBranch
from tests.portal.till import till
from tests.sync.chaos_proxy import CAPTIVE, ChaosProxy
from tests.sync.engine_helpers import make_claims, outbox
from tests.sync.test_secrets import use
from warranty_desk.config import SyncSettings
from warranty_desk.logs import LOG_NAME, setup_logging
from warranty_desk.permissions import Role
from warranty_desk.services import claims, sync_admin
from warranty_desk.storage.documents import DocumentStore

PHOTO = b"\x89PNG\r\n\x1a\n" + b"cracked hinge, left side" * 10


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


@pytest.fixture
def proxy(live_portal: LivePortal) -> Iterator[ChaosProxy]:
    server = ChaosProxy(live_portal.url).start()
    yield server
    server.stop()


# Every cycle through the captive page is offline on purpose: the log says so.
@pytest.mark.logs(r"^Sync cycle .*Offline", r"^Inbox pull stopped: ")
def test_a_captive_page_or_proxy_parks_nothing_and_all_arrives_once_the_portal_answers(
    live_portal: LivePortal, branch: RegisteredBranch, proxy: ChaosProxy, tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch)
    number = make_claims(db, 40, serial_prefix=branch.code)[0]
    photo = DocumentStore(home.documents).put(PHOTO, name="hinge.png")
    claims.attach_evidence(db, actor(Role.SALES), number, kind="photo_of_fault",
                           sha256=photo.sha256, media_type=photo.media_type, size=photo.size)
    set_secret(home, PORTAL_TOKEN, branch.token)
    settings = SyncSettings(portal_url=proxy.url)
    events = len(outbox(db))
    assert events > 200

    # Every captive page shows the request's headers back, token and all.
    proxy.echo_headers = True
    said: list[str] = []
    handler = setup_logging(home)
    try:
        for mode in (*CAPTIVE, "drop"):
            proxy.mode = mode
            report = run_cycle(home, db, settings)
            said += [report.message, *report.problems]
            _offline_and_nothing_parked(db, report, mode, events)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert proxy.seen.keys() == {*CAPTIVE, "drop"}
    assert sync_admin.parked(db) == []
    assert not Event.objects.filter(branch_id=branch.pk).exists()
    log_text = (home.logs / LOG_NAME).read_text("utf-8")
    assert sum(text.count(branch.token) for text in (*said, log_text)) == 0

    proxy.mode = "forward"
    back = run_cycle(home, db, settings)
    assert back.online and back.complete, back.message
    stored = sorted(str(i) for i in Event.objects.filter(branch_id=branch.pk)
                    .values_list("id", flat=True))
    assert stored == sorted(uid for _, uid, _, _ in outbox(db))
    assert Document.objects.filter(branch_id=branch.pk, sha256=photo.sha256).exists()
    assert back.message.startswith(f"Sent {events:,} records")


def _offline_and_nothing_parked(db: Any, report: Any, mode: str, events: int) -> None:
    [queue] = sync_admin.status(db, ["portal"])
    assert (queue.parked, queue.held) == (0, 0), (mode, report.message)
    assert not report.online, (mode, report.message)
    assert report.message.startswith(
        "Offline: a Wi-Fi sign-in page, a proxy or a firewall stands between this till and "
        "the portal" if mode != "drop" else "Offline: could not reach the portal"), (
            mode, report.message)
    assert report.waiting == events
