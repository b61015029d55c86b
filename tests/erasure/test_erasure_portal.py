"""End to end through the real portal: a customer erased at the till is erased at head office.

The till syncs a sale, a claim and the customer's details; head office projects them, the
customer has a portal account with an online claim (their address on the return label) and
an upload. The till erases the customer and syncs: no byte of a pg_dump of head office's
database names them any more, their upload is gone, their account signs in no one, the
warranty and claim are still there under the pseudonym, and the till's audit chain verifies.
"""

from __future__ import annotations

import hashlib
import secrets
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from sync.runner import run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import TODAY, actor, stand_at
from tests.erasure.till_story import NAME, TRACES, tell, traces_in
from tests.liveportal.branch_view import BranchPortal
from tests.liveportal.fixtures import ServedPortal, shop_portal
from tests.liveportal.laptop_shop import laptop_shop
from tests.portal.support import run_worker
from tests.sync.test_secrets import use
from warranty_desk.config import SyncSettings
from warranty_desk.permissions import Role
from warranty_desk.rules.erasure import pseudonym
from warranty_desk.services import audit, erasure
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.slow

ADDRESS = "14 Quillfeather Lane, Little Wobbling, WB1 7QQ"
UPLOAD = b"\x89PNG\r\n\x1a\n receipt of Winifred, not a real image " + secrets.token_bytes(8)


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


@pytest.fixture
def branch_home(tmp_path: Path) -> Iterator[tuple[Home, Database]]:
    """A shop on a branch code no other test uses, selling the story's laptop."""
    home, db = laptop_shop(tmp_path, name="Erasure Shop", prefix="E", sku="LAP-100",
                           policy="Electronics 12", months=12)
    yield home, db
    db.dispose()


@pytest.fixture
def portal(served_portal: ServedPortal, branch_home: tuple[Home, Database]
           ) -> Iterator[BranchPortal]:
    yield from shop_portal(served_portal, branch_home[1])


def _pg_dump(served: ServedPortal) -> bytes:
    from portal.devdb import PORT, SUPERUSER, _bindir

    cluster = served.db.pg.cluster
    done = subprocess.run(
        [str(_bindir() / "pg_dump"), "-h", str(cluster.socket_dir), "-p", str(PORT),
         "-U", SUPERUSER, "--data-only", served.db.name], capture_output=True, check=False,
        timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done.stdout


def _account_with_upload(branch_pk: int, warranty_code: str) -> tuple[int, str]:
    """The customer's portal account (as sign-in makes it), an online return with their
    address, and a photo they uploaded; (user pk, the upload's sha256)."""
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from portal.customers.models import ClaimMail, CustomerAccount, OnlineClaim, OnlineDocument
    from portal.projections.models import Message, Warranty
    from portal.receiver.models import Document, storage_name

    user = User.objects.create(username=f"winifred-{secrets.token_hex(3)}",
                               email="winifred.quill@example.org")
    account = CustomerAccount.objects.create(user=user, email="winifred.quill@example.org",
                                             phone="+447700900461")
    warranty = Warranty.objects.get(branch_id=branch_pk, code=warranty_code)
    online = OnlineClaim.objects.create(
        account=account, branch_id=branch_pk, warranty=warranty,
        item_id=f"oc-{secrets.token_hex(4)}", fault="Hinge cracked", preferred_outcome="repair",
        sender_name=NAME, sender_address=ADDRESS)
    sha = hashlib.sha256(UPLOAD).hexdigest()
    default_storage.save(storage_name(sha), ContentFile(UPLOAD))
    Document.objects.create(branch_id=branch_pk, sha256=sha, size=len(UPLOAD),
                            media_type="image/png")
    OnlineDocument.objects.create(account=account, branch_id=branch_pk, online_claim=online,
                                  sha256=sha, name="winifred-receipt.png", kind="receipt",
                                  media_type="image/png", size=len(UPLOAD),
                                  item_id=f"od-{secrets.token_hex(4)}")
    # Head office mailed the decision; the customer's mail server refused it, quoting them.
    message = Message.objects.filter(branch_id=branch_pk, customer__reference__isnull=False,
                                     claim__warranty=warranty).first()
    assert message is not None, "the claim's decision message reached head office"
    ClaimMail.objects.update_or_create(branch_id=branch_pk, message_id=message.message_id,
                                       defaults={"state": ClaimMail.FAILED, "reason": (
                                           "550 winifred.quill@example.org: no such mailbox")})
    return user.pk, sha


def _session_of(user_pk: int) -> str:
    """A signed-in session of the user, as the portal keeps it; its key."""
    from portal.sessions import SessionStore

    store = SessionStore()
    store["_auth_user_id"] = str(user_pk)
    store.create()
    assert store.session_key is not None
    return store.session_key


def test_an_erasure_at_the_till_leaves_nothing_of_the_customer_at_head_office(
    branch_home: tuple[Home, Database], portal: BranchPortal, served_portal: ServedPortal,
) -> None:
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session
    from django.core.files.storage import default_storage

    from portal.health.models import DriftFinding
    from portal.projections.models import Claim, Customer, Warranty
    from portal.receiver.models import NightlyReport, storage_name

    home, db = branch_home
    set_secret(home, PORTAL_TOKEN, portal.token)
    settings = SyncSettings(portal_url=portal.url)
    story = tell(db)
    assert run_cycle(home, db, settings).complete
    run_worker(served_portal.db)
    user_pk, sha = _account_with_upload(portal.pk, story.warranty)
    signed_in = _session_of(user_pk)
    # The customer writes on the portal about the claim: the till pulls it into the claim.
    portal.queue("message_received", {"claim_ref": story.claim, "body": (
        f"This is {NAME}; send it to {ADDRESS} or call +447700900461.")})
    assert run_cycle(home, db, settings, nightly=True).complete  # head office keeps the head
    assert traces_in(db.path, Path(f"{db.path}-wal"))
    before = _pg_dump(served_portal)
    assert NAME.encode() in before and ADDRESS.encode() in before  # the dump would show them

    # An hour on: the erasure comes after the night's report, as it does in a shop.
    stand_at(db, datetime.combine(TODAY, time(13), UTC))
    erasure.erase(db, actor(Role.MANAGER), story.reference, "Asked by email on 3 December")
    assert run_cycle(home, db, settings, nightly=True).complete
    run_worker(served_portal.db)
    # The chain head office knows from each night still holds: no audit or day finding.
    assert list(DriftFinding.objects.filter(branch_id=portal.pk).values_list(
        "kind", "detail")) == []
    assert NightlyReport.objects.filter(branch_id=portal.pk).count() == 2

    after = _pg_dump(served_portal)
    left = [t for t in (*TRACES, ADDRESS) if t.encode() in after]
    assert left == []
    assert not default_storage.exists(storage_name(sha))
    assert traces_in(db.path, Path(f"{db.path}-wal")) == {}
    assert not Session.objects.filter(session_key=signed_in).exists()
    user = User.objects.get(pk=user_pk)
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    alias = pseudonym(story.reference)
    customer = Customer.objects.get(branch_id=portal.pk, reference=story.reference)
    assert (customer.name, customer.phone, customer.email) == (alias, "", "")
    assert Warranty.objects.filter(branch_id=portal.pk, code=story.warranty,
                                   customer=customer).count() == 1
    assert Claim.objects.filter(branch_id=portal.pk, number=story.claim,
                                customer=customer).count() == 1
    with db.read() as session:
        chain = audit.verify(session)
    assert chain.ok, chain.problem
