"""A manager override is a second person's approval: the one asking cannot approve it with
their own PIN, whatever their role."""

from __future__ import annotations

import pytest

from tests.conftest import actor
from tests.unit.services.helpers import sell
from warranty_desk.errors import PermissionDenied
from warranty_desk.permissions import Actor, Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import claims, decisions, staff
from warranty_desk.services.claim_common import Override
from warranty_desk.storage.database import Database

pytestmark = pytest.mark.usefixtures("fast_hasher")


def _people(db: Database) -> dict[str, Actor]:
    """Two managers, an owner and a technician, each signed in with their own PIN."""
    people = {"Maria": (Role.MANAGER, "5555"), "Mo": (Role.MANAGER, "5656"),
              "Olive": (Role.OWNER, "7777"), "Tariq": (Role.TECHNICIAN, "3333")}
    for name, (role, pin) in people.items():
        staff.create_staff(db, actor(Role.SYSTEM), name, role, pin)
    return {name: staff.sign_in(db, name, pin) for name, (_role, pin) in people.items()}


def _reviewing_claim_without_its_photo(db: Database, people: dict[str, Actor]) -> str:
    code = sell(db, "OV-1", serials=("OV-SN-1",)).warranty_codes[0]
    number = claims.start_claim(db, actor(Role.SALES), claims.StartClaim(code, "No power")).number
    claims.advance(db, people["Maria"], number, ClaimState.REVIEWING)
    return number


def test_a_manager_cannot_pass_a_rule_with_their_own_pin(shop: Database) -> None:
    people = _people(shop)
    number = _reviewing_claim_without_its_photo(shop, people)
    own = staff.verify_override(shop, "Maria", "5555")
    with pytest.raises(PermissionDenied) as refused:
        claims.advance(shop, people["Maria"], number, ClaimState.INSPECTING,
                       override=Override(own, "Photo seen on the customer's phone"))
    assert "Maria" in str(refused.value) and "own" in str(refused.value)
    assert "another" in str(refused.value).lower()
    # Another manager's PIN passes the same rule, for the same person asking.
    other = staff.verify_override(shop, "Mo", "5656")
    moved = claims.advance(shop, people["Maria"], number, ClaimState.INSPECTING,
                           override=Override(other, "Photo seen on the customer's phone"))
    assert moved.state == ClaimState.INSPECTING.value


def test_an_owner_cannot_approve_their_own_claim_over_the_limit(shop: Database) -> None:
    people = _people(shop)
    code = sell(shop, "OV-2", serials=("OV-SN-2",)).warranty_codes[0]
    for _ in range(2):
        number = claims.start_claim(shop, people["Olive"], claims.StartClaim(code, "Fan")).number
        decisions.decide(shop, people["Maria"], number,
                         decisions.Decision(Outcome.REJECT, "No fault found"))
    own = staff.verify_override(shop, "Olive", "7777")
    with pytest.raises(PermissionDenied):
        claims.start_claim(shop, people["Olive"], claims.StartClaim(code, "Fan noise"),
                           override=Override(own, "Known fan batch problem"))
    third = claims.start_claim(shop, people["Olive"], claims.StartClaim(code, "Fan noise"),
                               override=Override(staff.verify_override(shop, "Maria", "5555"),
                                                 "Known fan batch problem"))
    assert third.number


def test_a_refund_over_the_managers_limit_needs_someone_else(shop: Database) -> None:
    people = _people(shop)
    number = _reviewing_claim_without_its_photo(shop, people)
    claims.advance(shop, people["Tariq"], number, ClaimState.INSPECTING, override=Override(
        staff.verify_override(shop, "Maria", "5555"), "Photo seen on the customer's phone"))
    big = decisions.Decision(Outcome.REFUND, "Beyond repair", refund_minor=60_000,
                             refund_reference="POS-R-1")
    own = staff.verify_override(shop, "Mo", "5656")
    with pytest.raises(PermissionDenied):
        decisions.decide(shop, people["Mo"], number, big, override=Override(own, "Regular"))
    olive = staff.verify_override(shop, "Olive", "7777")
    assert decisions.decide(shop, people["Mo"], number, big,
                            override=Override(olive, "Regular")).outcome == "refund"


def test_the_technician_asking_is_not_the_manager_approving(shop: Database) -> None:
    people = _people(shop)
    number = _reviewing_claim_without_its_photo(shop, people)
    approver = staff.verify_override(shop, "Maria", "5555")
    moved = claims.advance(shop, people["Tariq"], number, ClaimState.INSPECTING,
                           override=Override(approver, "Photo seen on the customer's phone"))
    assert moved.state == ClaimState.INSPECTING.value
