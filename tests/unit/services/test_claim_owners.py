"""Every open claim's owner and backup: set at intake, changed by a manager, on record."""

from __future__ import annotations

import json

import pytest

from tests.conftest import actor
from tests.unit.services.helpers import rows as _rows
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, NotFound, PermissionDenied, RuleBlocked
from warranty_desk.permissions import Actor, Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import claim_owners, claims, decisions, staff
from warranty_desk.services.board import BoardFilters, board
from warranty_desk.services.claim_detail import claim_detail
from warranty_desk.storage.database import Database

OWNER = actor(Role.OWNER)


@pytest.fixture
def people(shop: Database, fast_hasher: None) -> dict[str, Actor]:
    """Three signed-in people of the test shop, by first name."""
    found = {}
    for name, role, pin in (("Sam Sales", Role.SALES, "1111"), ("Sue Support", Role.SUPPORT,
                                                                  "4444"),
                            ("Maria Manager", Role.MANAGER, "5555")):
        staff.create_staff(shop, OWNER, name, role, pin)
        found[name.split()[0]] = staff.sign_in(shop, name, pin)
    return found


def _claim(db: Database, by: Actor, serial: str = "SN-LAP-0001", invoice: str = "INV-1001"
           ) -> str:
    code = sell(db, invoice, serials=(serial,)).warranty_codes[0]
    return claims.start_claim(db, by, claims.StartClaim(code, "Screen flickers")).number



def test_whoever_opens_a_claim_owns_it_and_head_office_hears_the_owner(
    shop: Database, people: dict[str, Actor]
) -> None:
    number = _claim(shop, people["Sam"])
    detail = claim_detail(shop, people["Maria"], number)
    assert (detail.owner, detail.backup) == ("Sam Sales", None)
    payload = json.loads(str(_rows(shop, "SELECT payload FROM outbox_events WHERE topic = "
                                         "'claim.opened'")[0][0]))
    assert (payload["owner"], payload["backup"]) == ("Sam Sales", None)


def test_a_claim_the_command_line_opens_has_no_owner_and_the_board_counts_it(
    shop: Database, people: dict[str, Actor]
) -> None:
    unowned = _claim(shop, Actor.system("customer portal"))
    owned = _claim(shop, people["Sam"], "SN-LAP-0002", "INV-1002")
    result = board(shop, people["Maria"], BoardFilters())
    rows = {r.number: r for r in result.rows}
    assert rows[unowned].unowned and rows[unowned].assignee is None
    assert not rows[owned].unowned and rows[owned].assignee == "Sam Sales"
    assert result.unowned == 1
    only = board(shop, people["Maria"], BoardFilters(unowned=True))
    assert [r.number for r in only.rows] == [unowned] and only.total == 1


def test_a_manager_changes_owner_and_backup_on_the_timeline_in_the_audit_log_and_the_board(
    shop: Database, people: dict[str, Actor]
) -> None:
    number = _claim(shop, people["Sam"])
    result = claim_owners.set_owners(shop, people["Maria"], number, "Sue Support", "Sam Sales")
    assert (result.owner, result.backup) == ("Sue Support", "Sam Sales")
    detail = claim_detail(shop, people["Maria"], number)
    assert (detail.owner, detail.backup) == ("Sue Support", "Sam Sales")
    last = detail.timeline[-1]
    assert last.kind == "owners" and last.staff == "Maria Manager"
    assert "Owner Sue Support (was Sam Sales)" in last.reason
    action, details = _rows(shop, "SELECT action, details FROM audit_entries "
                                  "ORDER BY seq DESC LIMIT 1")[0]
    assert action == "claim.owners"
    assert json.loads(str(details)) == {"owner": "Sue Support", "backup": "Sam Sales",
                                        "owner_before": "Sam Sales", "backup_before": None}
    # The backup finds the claim under their name too.
    mine = board(shop, people["Maria"], BoardFilters(assignee="Sam Sales"))
    assert [r.number for r in mine.rows] == [number]
    assert mine.rows[0].backup == "Sam Sales"
    # The claim's next event carries the new owner to head office.
    claims.advance(shop, people["Maria"], number, claims.ClaimState.REVIEWING)
    payload = json.loads(str(_rows(shop, "SELECT payload FROM outbox_events WHERE topic = "
                                         "'claim.status_changed'")[0][0]))
    assert (payload["owner"], payload["backup"]) == ("Sue Support", "Sam Sales")


def test_only_a_manager_or_owner_may_choose_and_the_choice_must_make_sense(
    shop: Database, people: dict[str, Actor]
) -> None:
    number = _claim(shop, people["Sam"])
    with pytest.raises(PermissionDenied, match="Warranty manager"):
        claim_owners.set_owners(shop, people["Sue"], number, "Sue Support", None)
    with pytest.raises(BadInput, match="both the owner and the backup"):
        claim_owners.set_owners(shop, people["Maria"], number, "Sue Support", "Sue Support")
    with pytest.raises(NotFound, match="No staff member 'Nobody Here'"):
        claim_owners.set_owners(shop, people["Maria"], number, "Nobody Here", None)
    before = _rows(shop, "SELECT count(*) FROM audit_entries")
    # Nothing changed, nothing recorded.
    claim_owners.set_owners(shop, people["Maria"], number, "Sam Sales", None)
    assert _rows(shop, "SELECT count(*) FROM audit_entries") == before
    decisions.decide(shop, people["Maria"], number,
                     decisions.Decision(Outcome.REJECT, "Liquid damage inside"))
    with pytest.raises(RuleBlocked, match="closed"):
        claim_owners.set_owners(shop, people["Maria"], number, "Sue Support", None)


def test_a_manager_may_leave_a_claim_unowned_and_it_shows_as_such(
    shop: Database, people: dict[str, Actor]
) -> None:
    number = _claim(shop, people["Sam"])
    claim_owners.set_owners(shop, people["Maria"], number, None, None)
    row = board(shop, people["Maria"], BoardFilters()).rows[0]
    assert row.unowned and row.backup is None
