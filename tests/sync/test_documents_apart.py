"""Documents and events flow apart: when the document check or an upload fails, every event that
names no waiting document still goes, and an event waits only for its own document (with the
later events of its own record behind it). Nothing parks; once the documents go, all arrive."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from keyring.backends import fail

from sync.runner import run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import actor
from tests.liveportal.branch_view import BranchPortal
from tests.sync.engine_helpers import make_claims, outbox
from tests.sync.test_secrets import use
from warranty_desk.config import SyncSettings
from warranty_desk.permissions import Role
from warranty_desk.services import claims, sync_admin
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.logs(r"^Sync cycle", r"^Inbox pull stopped")

PHOTO = b"\x89PNG\r\n\x1a\n" + b"water mark inside the lid" * 12


def fail_documents(portal: BranchPortal, method: str, chaos: str) -> list[bool]:
    """The document check (or upload) meets a fault while the returned flag is set."""
    failing = [True]

    def pick(asked: str, path: str) -> str:
        return chaos if failing[0] and asked == method and "/documents" in path else ""

    portal.proxy.chaos_for = pick
    return failing


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


# (method, misbehaviour): the check answers 500 or never answers; the upload answers 500, or
# stores the document and never says so.
CASES = [("POST", "error_500"), ("POST", "drop_after_store"), ("PUT", "error_500"),
         ("PUT", "drop_after_store")]


@pytest.mark.parametrize(("method", "chaos"), CASES)
def test_a_failing_document_check_holds_back_only_the_events_that_name_the_document(
    home: Home, shop: Database, portal: BranchPortal, method: str, chaos: str
) -> None:
    failing = fail_documents(portal, method, chaos)
    numbers = make_claims(shop, 12, serial_prefix="DOCS")
    with_photo = numbers[0]
    photo = DocumentStore(home.documents).put(PHOTO, name="lid.png")
    claims.attach_evidence(shop, actor(Role.SALES), with_photo, kind="photo_of_fault",
                           sha256=photo.sha256, media_type=photo.media_type,
                           size=photo.size)
    set_secret(home, PORTAL_TOKEN, portal.token)
    settings = SyncSettings(portal_url=portal.url)
    events = outbox(shop)
    names_photo = next(seq for seq, _, topic, agg in events
                       if topic == "claim.evidence_added" and agg == with_photo)
    # What must wait: the event naming the photo and its own record's later events.
    waits = {uid for seq, uid, _, agg in events if agg == with_photo and seq >= names_photo}

    first = run_cycle(home, shop, settings, pull=False)
    stored = set(portal.event_ids())
    assert stored == {uid for _, uid, _, _ in events} - waits, first.message
    assert first.waiting == len(waits) and not first.complete
    # The portal took the other events: whatever the documents met, it was not offline.
    assert first.online and first.message.startswith(
        f"Sent {len(events) - len(waits)} records; {len(waits)} record waits: "), (
            first.message)
    assert sync_admin.parked(shop) == []

    failing[0] = False
    second = run_cycle(home, shop, settings, pull=False)
    assert second.complete, second.message
    assert sorted(portal.event_ids()) == sorted(uid for _, uid, _, _ in events)
    assert portal.documents[hashlib.sha256(PHOTO).hexdigest()] == PHOTO
    assert portal.answers["duplicate"] == 0
