"""The sync issue's "done when", end to end through `run_cycle` on real receivers.

A claim opened while the portal is offline waits and the cycle says so with the count; once
the portal is back its events reach the real portal exactly once, and a real Tryton gets
the customer as a party and the final outcome as a note exactly once (a second cycle changes
nothing); a claim a customer started on the portal appears on the branch's claims board.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from sqlalchemy import select

from sync.crm.jsonrpc import TrytonRpc
from sync.runner import CycleReport, run_cycle
from sync.secrets import PORTAL_TOKEN, TRYTON_PASSWORD, set_secret
from tests.conftest import TODAY, actor
from tests.liveportal.branch_view import BranchPortal
from tests.liveportal.fixtures import ServedPortal, shop_portal
from tests.liveportal.laptop_shop import laptop_shop
from tests.sync.conftest_crm import (
    fictional_phone,
    tryton_fixture,  # noqa: F401  (the session's trytond)
)
from tests.sync.engine_helpers import outbox
from tests.sync.test_secrets import use
from tests.sync.tryton_server import TrytonServer
from warranty_desk.config import SyncSettings
from warranty_desk.models import Customer
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import claims, decisions
from warranty_desk.services.activation import record_sale
from warranty_desk.services.board import BoardFilters, board
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

pytestmark = [pytest.mark.slow, pytest.mark.logs(
    r"^Sync cycle",
    r"^Inbox pull stopped",
    r"named by an event is not in",
)]

PHOTO = b"\x89PNG\r\n\x1a\n" + b"water marks under the keyboard" * 12


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


@pytest.fixture
def branch_home(tmp_path: Path) -> Iterator[tuple[Home, Database]]:
    """A shop on a branch code no other test uses: the Tryton server is shared by the run."""
    home, db = laptop_shop(tmp_path, name="Done When Shop", prefix="D", sku="DW-LAP",
                           policy="Laptops 24", months=24)
    yield home, db
    db.dispose()


def _customer(tag: str) -> CustomerInput:
    return CustomerInput(f"Dana Whitlock {tag}", phone=fictional_phone(),
                         email=f"dana.{tag.lower()}@example.org")


def _rpc(tryton: TrytonServer) -> TrytonRpc:
    return TrytonRpc(tryton.url, tryton.database, tryton.user, tryton.password)


def _parties(rpc: TrytonRpc, reference: str) -> list[int]:
    return [int(r["id"]) for r in rpc.model(
        "party.party", "search_read", [("code", "=", reference)], 0, None, None, ["id"],
        context={"active_test": False})]


@pytest.fixture
def portal(served_portal: ServedPortal, branch_home: tuple[Home, Database]
           ) -> Iterator[BranchPortal]:
    """The real portal with the shop's own branch code registered afresh."""
    yield from shop_portal(served_portal, branch_home[1])


def _notes(rpc: TrytonRpc, party_id: int) -> list[str]:
    return [r["message"] for r in rpc.model(
        "ir.note", "search_read", [("resource", "=", f"party.party,{party_id}")], 0, None,
        [("id", "ASC")], ["message"])]


def test_done_when_offline_claims_wait_then_reach_portal_and_tryton_once_and_online_claims_arrive(
    branch_home: tuple[Home, Database], portal: BranchPortal, tryton: TrytonServer,
) -> None:
    home, db = branch_home
    set_secret(home, PORTAL_TOKEN, portal.token)
    set_secret(home, TRYTON_PASSWORD, tryton.password)
    settings = SyncSettings(portal_url=portal.url, crm="tryton", crm_url=tryton.url,
                            tryton_database=tryton.database, tryton_user=tryton.user)

    def cycle() -> CycleReport:
        return run_cycle(home, db, settings)

    tag = secrets.token_hex(4).upper()
    sale = record_sale(db, actor(Role.SALES), SaleInput(
        f"INV-{tag}", TODAY, (LineInput("DW-LAP", 2, 89_900, (f"SN-{tag}-1", f"SN-{tag}-2")),),
        _customer(tag)))
    with db.read() as session:
        [reference] = session.scalars(select(Customer.reference)).all()
    branch = reference.split("-", 1)[0]

    # 1. The portal is down: the claim (with its photo) is opened and waits.
    portal.go_offline()
    sales = actor(Role.SALES)
    number = claims.start_claim(db, sales, claims.StartClaim(
        sale.warranty_codes[0], "Will not boot after a spill")).number
    photo = DocumentStore(home.documents).put(PHOTO, name="keyboard.png")
    claims.attach_evidence(db, sales, number, kind="photo_of_fault", sha256=photo.sha256,
                           media_type=photo.media_type, size=photo.size)
    offline = cycle()
    assert not offline.online and not offline.complete
    waiting = len(outbox(db))  # nothing has reached the portal yet
    assert offline.waiting == waiting > 0
    assert offline.message.startswith("Offline: could not reach the portal at 127.0.0.1:")
    assert offline.message.endswith(f"; {waiting} records wait and will go when it is back.")
    assert portal.event_ids() == [] and portal.documents == {}

    # 2. Back online: every event of the claim reaches the portal once, its photo first.
    portal.go_online()
    back = cycle()
    assert back.online and back.complete, back.message
    claim_events = [uid for _, uid, _, agg in outbox(db) if agg == number]
    assert [e["id"] for e in portal.events_for(number)] == claim_events
    assert portal.event_ids() == [uid for _, uid, _, _ in outbox(db)]
    assert portal.documents == {photo.sha256: PHOTO}
    calls = [(c.method, c.path.rsplit("/", 1)[-1]) for c in portal.calls]
    assert calls.index(("PUT", photo.sha256)) < calls.index(("POST", "events"))

    # 3. The decision's outcome becomes a note on the customer's Tryton party, once.
    decisions.decide(db, actor(Role.MANAGER), number, decisions.Decision(
        Outcome.REJECT, "Liquid damage under the keyboard"))
    decided = cycle()
    assert decided.complete and decided.pushed is not None, decided.message
    rpc = _rpc(tryton)
    try:
        [party] = _parties(rpc, reference)
        notes = _notes(rpc, party)
        outcome_notes = [n for n in notes if f"Claim {number} rejected" in n]
        assert len(outcome_notes) == 1, notes
        assert "Reason: Liquid damage under the keyboard." in outcome_notes[0]

        # 4. A second cycle changes nothing anywhere.
        stored = portal.event_ids()
        again = cycle()
        assert again.complete and again.pushed is not None and again.pushed.delivered == 0
        assert portal.event_ids() == stored and portal.answers["duplicate"] == 0
        assert _parties(rpc, reference) == [party] and _notes(rpc, party) == notes
    finally:
        rpc.close()

    # 5. A claim the customer started on the portal lands on the branch's claims board.
    portal.queue_items([{
        "id": f"web-{tag}", "kind": "claim_started", "created_at": "2026-11-22T08:15:00+00:00",
        "payload": {"warranty_code": sale.warranty_codes[1], "fault": "Fan rattles",
                    "customer": {"name": f"Dana Whitlock {tag}"}}}])
    pulled = cycle()
    assert pulled.complete and pulled.pulled is not None and pulled.pulled.applied == 1
    assert portal.acks[-1] == "p1"
    online = board(db, actor(Role.SALES), BoardFilters(channel="portal"))
    [row] = online.rows
    assert (row.channel, row.serial, row.state) == ("portal", f"SN-{tag}-2", "received")
    assert row.number.startswith(f"{branch}-C-")
    # Its claim.opened goes to head office with the next cycle, once.
    assert cycle().complete
    assert [e["topic"] for e in portal.events_for(row.number)] == ["claim.opened"]
