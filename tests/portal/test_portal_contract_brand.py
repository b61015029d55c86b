"""Brand statuses are one vocabulary: the contract's enum, the portal refuses any other, and the
till maps each to words on the claim's timeline (and keeps an unknown one for a person)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from portal import contract
from portal.branches.models import Branch
from portal.errors import PortalInputError
from portal.inbox.services import queue_item
from sync.inbox import PortalInbox, pull_once
from tests.conftest import actor
from tests.portal.support import LivePortal, RegisteredBranch
from tests.portal.till import client, till
from warranty_desk.models import Brand, BrandClaim, BrandClaimItem, Claim
from warranty_desk.permissions import Role
from warranty_desk.rules.brand_status import BRAND_STATUSES
from warranty_desk.services import inbox
from warranty_desk.services.claim_detail import claim_detail
from warranty_desk.storage.documents import DocumentStore


def _enum() -> list[str]:
    schema = contract.document()["components"]["schemas"]["BrandStatus"]
    return list(schema["properties"]["status"]["enum"])


def test_the_contract_and_the_till_name_the_same_brand_statuses() -> None:
    assert _enum() == list(BRAND_STATUSES)
    assert all(words for words in BRAND_STATUSES.values())


def test_the_portal_queues_no_brand_status_outside_the_vocabulary(
    branch: RegisteredBranch,
) -> None:
    row = Branch.objects.get(pk=branch.pk)
    with pytest.raises(PortalInputError, match="'Repaired' is not one of"):
        queue_item(row, "brand_status", {"claim_number": "X-C-1", "status": "Repaired"})
    queue_item(row, "brand_status", {"claim_number": "X-C-1", "status": "in_repair"})
    assert Branch.objects.get(pk=branch.pk).inbox_queued == 1


def test_the_till_maps_every_brand_status_to_its_words_on_the_claims_timeline(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch, claims=1)
    with db.write() as session:
        claim = session.scalars(select(Claim)).one()
        brand = session.scalars(select(Brand)).first()
        assert brand is not None
        row = BrandClaim(claim_id=claim.id, brand_id=brand.id, external_id="B-1",
                         claimed_minor=5000)
        session.add(row)
        session.flush()
        session.add(BrandClaimItem(brand_claim_id=row.id, claim_id=claim.id))
        number = claim.number
    row = Branch.objects.get(pk=branch.pk)
    for status in [s for s in BRAND_STATUSES if s != "submitted"]:
        queue_item(row, "brand_status", {"claim_number": number, "status": status},
                   item_id=f"brand-{status}")
    report = pull_once(db, PortalInbox(client(live_portal, branch.token), branch.code),
                       documents=DocumentStore(home.documents))
    assert (report.applied, report.problems, report.error) == (len(BRAND_STATUSES) - 1, (), "")
    detail = claim_detail(db, actor(Role.MANAGER), number)
    assert [b.external_status for b in detail.brand_claims] == ["credited"]
    reasons = " / ".join(t.reason or "" for t in detail.timeline)
    for status, words in BRAND_STATUSES.items():
        if status != "submitted":
            assert f"to {status} ({words})" in reasons


def test_a_brand_status_the_till_does_not_know_is_kept_for_a_person(
    tmp_path: Path, branch: RegisteredBranch,
) -> None:
    home, db = till(tmp_path, branch, claims=1)
    with db.read() as session:
        number = session.scalars(select(Claim.number)).one()
    result = inbox.apply_item(db, inbox.InboxItemInput(
        "newer-1", "brand_status", {"claim_number": number, "status": "escalated"}),
        documents=DocumentStore(home.documents), fetch_document=lambda _: b"")
    assert result.status == "problem"
    assert "brand status 'escalated', which this till does not know" in result.result
