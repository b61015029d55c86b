"""A unit handed back at a till reaches head office: accepted by the contract, on the claim's
timeline for staff, in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.customers.timeline import steps
from portal.projections import projector
from portal.projections.models import Claim
from portal.staff.timeline import describe
from tests.conftest import actor
from tests.portal.support import LivePortal, RegisteredBranch
from tests.portal.till import push_all, till
from tests.printing.samples import signature_png
from warranty_desk.models import Claim as TillClaim
from warranty_desk.permissions import Role
from warranty_desk.services import hand_back as hb


def _handed_back(live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
                 **request: Any) -> tuple[Claim, str]:
    """One claim at a till, its unit handed back as `request` says, projected at head office;
    with the unit's serial."""
    _home, db = till(tmp_path, branch, claims=1)
    with db.read() as session:
        number, serial = session.execute(select(TillClaim.number, TillClaim.serial)).one()
    hb.hand_back(db, actor(Role.SALES, "Sam Sales"), hb.HandBackRequest(
        number, serial or "", **request))
    push_all(db, live_portal, branch)
    projector.catch_up(branch.pk)
    return Claim.objects.get(branch_id=branch.pk, number=number), serial or ""


def test_a_hand_back_is_on_the_claims_timeline_at_head_office(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    claim, _ = _handed_back(live_portal, branch, tmp_path, condition="As received",
                            collector="Alan Turing",
                            collector_proof="ID shown and the claim ticket",
                            signature_png=signature_png())
    [event] = [e for e in claim.timeline.all() if e.topic == "claim.handed_back"]
    line = describe(event)
    assert line.what == "Handed back to the customer"
    fields = dict(line.fields)
    assert fields["collected by"] == "Alan Turing" and fields["handed by"] == "Sam Sales"
    assert fields["on behalf proof"] == "ID shown and the claim ticket"
    assert fields["confirmation"] == "signature" and len(fields["signature sha256"]) == 64
    assert fields["receipt"].endswith("-HB-2026-000001")


def test_the_customer_reads_who_took_the_unit_in_what_state_on_their_claim(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    claim, serial = _handed_back(live_portal, branch, tmp_path,
                                 condition="<b>As received</b>, 'scuffed' lid",
                                 collector="Алан Тьюринг", collector_proof="ID shown",
                                 signed_on_paper=True)
    [step] = [s for s in steps(claim) if s.title == "Handed back"]
    assert step.wording.startswith(f"The unit {serial} was handed to Алан Тьюринг on your "
                                   "behalf by Sam Sales.")
    assert "Condition: <b>As received</b>, 'scuffed' lid." in step.wording
    assert step.wording.endswith("-HB-2026-000001, signed receipt kept by the shop.")
