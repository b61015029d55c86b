"""The Tryton connector against a real trytond 8 with the party module, over JSON-RPC."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from sync.contract import Event, TransientError
from sync.crm.jsonrpc import TrytonRpc
from sync.crm.tryton import TrytonConnector
from tests.conftest import actor
from tests.sync.conftest_crm import (
    claim_decided,
    crm_fixture,  # noqa: F401  (the connector, used as `crm`)
    customer_created,
    event,
    fictional_phone,
    outbox_events,
    renamed,
    rpc_fixture,  # noqa: F401  (a look-up session, used as `rpc`)
    tryton_fixture,  # noqa: F401  (the session's trytond, used as `tryton`)
)
from tests.sync.tryton_server import TrytonServer
from tests.sync.webhook_receiver import Scripted, webhook_receiver
from tests.unit.services.helpers import sell
from warranty_desk.permissions import Role
from warranty_desk.storage.database import Database

pytestmark = pytest.mark.slow


@pytest.fixture
def ref() -> str:
    """A customer reference no other test uses (they share one server)."""
    return f"T{uuid.uuid4().hex[:8].upper()}-CU-000001"


def _party(rpc: TrytonRpc, reference: str) -> dict[str, Any]:
    rows = rpc.model("party.party", "search_read",
                      ["OR", ("code", "=", reference), ("identifiers.code", "=", reference)],
                      0, None, None, ["name", "code", "write_date", "categories.rec_name",
                                      "contact_mechanisms", "identifiers"],
                      context={"active_test": False})
    assert len(rows) == 1, rows
    row: dict[str, Any] = rows[0]
    mechanisms = rpc.model("party.contact_mechanism", "read", row["contact_mechanisms"],
                           ["type", "value_compact"])
    # Compact: Tryton writes a phone its own way (+44 20 7946 0958) when phonenumbers is there.
    row["contacts"] = sorted((m["type"], m["value_compact"]) for m in mechanisms)
    row["category_names"] = sorted(c["rec_name"] for c in row["categories."])
    return row


def _notes(rpc: TrytonRpc, party_id: int) -> list[str]:
    rows = rpc.model("ir.note", "search_read", [("resource", "=", f"party.party,{party_id}")],
                     0, None, [("id", "ASC")], ["message"])
    return [r["message"] for r in rows]


def _counts(rpc: TrytonRpc) -> dict[str, int]:
    return {model: len(rpc.model(model, "search", [], 0, None, None,
                                 context={"active_test": False}))
            for model in ("party.party", "ir.note", "party.contact_mechanism",
                          "party.category", "party.identifier")}


def _statuses(connector: TrytonConnector, events: list[Event]) -> list[str]:
    return [o.status for o in connector.send(events)]


def test_a_new_customer_becomes_a_party_with_reference_contacts_and_segment(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    created = customer_created(ref, email="ada@example.org", phone="+442079460958",
                               segment="vip")
    assert _statuses(crm, [created]) == ["accepted"]
    party = _party(rpc, ref)
    assert (party["code"], party["name"]) == (ref, "Ada Lovelace")
    assert party["contacts"] == [("email", "ada@example.org"), ("phone", "+442079460958")]
    assert party["category_names"] == ["Warranty Desk", "Warranty Desk / VIP"]


def test_a_claims_final_outcome_arrives_as_a_note_on_the_party(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    decided = claim_decided("BR01-C-2026-000007", ref, outcome="reject",
                            reason="Liquid damage inside the case")
    assert _statuses(crm, [customer_created(ref), decided]) == ["accepted", "accepted"]
    [note] = _notes(rpc, _party(rpc, ref)["id"])
    assert note.startswith("2026-11-22: Claim BR01-C-2026-000007 rejected (serial SN-LAP-0001)."
                           " Reason: Liquid damage inside the case.")
    assert note.endswith(f"[Warranty Desk event {decided.id}]")


def test_updating_a_customer_updates_the_party_and_notes_why(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    crm.send([customer_created(ref, email="ada@example.org", segment="retail")])
    state = {"reference": ref, "name": "Ada King", "phone": "+442079460958",
             "email": "ada@example.org", "segment": "vip", "retention_follow_up": False}
    segment = event("customer.updated", {**state, "from": "retail", "to": "vip"})
    flagged = event("customer.updated", {**state, "retention_follow_up": True, "flag": True,
                                         "reason": "Second claim this month"})
    assert _statuses(crm, [segment, flagged]) == ["accepted", "accepted"]
    party = _party(rpc, ref)
    assert party["name"] == "Ada King"
    assert party["category_names"] == ["Warranty Desk", "Warranty Desk / Retention follow-up",
                                       "Warranty Desk / VIP"]
    assert party["contacts"] == [("email", "ada@example.org"), ("phone", "+442079460958")]
    notes = _notes(rpc, party["id"])
    assert [n.splitlines()[0] for n in notes] == [
        "2026-11-22: Segment changed from retail to vip.",
        "2026-11-22: Retention follow-up requested: Second claim this month"]
    cleared = event("customer.updated", {**state, "flag": False, "reason": "Called back"})
    crm.send([cleared])
    assert _party(rpc, ref)["category_names"] == ["Warranty Desk", "Warranty Desk / VIP"]


def test_running_the_same_events_a_second_time_changes_nothing(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str, tryton: TrytonServer,
) -> None:
    events = [
        customer_created(ref, email="ada@example.org", phone="+442079460958"),
        event("warranty.activated", {"code": "BR01-W-1", "customer": ref, "product": "Laptop",
                                     "serial": "SN-1", "invoice": "INV-1", "start": "2026-11-01",
                                     "end": "2028-11-01"}),
        event("customer.updated", {"reference": ref, "name": "Ada Lovelace", "phone": "",
                                   "email": "", "segment": "business",
                                   "retention_follow_up": False, "from": "retail",
                                   "to": "business"}),
        claim_decided("BR01-C-1", ref, outcome="repair"),
    ]
    assert _statuses(crm, events) == ["accepted"] * 4
    before, party = _counts(rpc), _party(rpc, ref)
    # A fresh connector, as after a restart: nothing cached from the first run.
    again = TrytonConnector(tryton.url, tryton.database, tryton.user, tryton.password)
    assert _statuses(again, events) == ["duplicate"] * 4
    assert _counts(rpc) == before
    assert _party(rpc, ref) == party  # same write_date: not even rewritten with equal values
    assert len(_notes(rpc, party["id"])) == 3


def test_an_existing_party_is_matched_by_email_then_phone_and_keeps_the_reference(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    email = f"{ref.lower()}@example.org"
    phone = fictional_phone()
    [by_email] = rpc.model("party.party", "create", [{
        "name": "Ada (entered at head office)", "code": f"HO-{ref}",
        "contact_mechanisms": [("create", [{"type": "email", "value": email.upper()}])]}])
    [by_phone] = rpc.model("party.party", "create", [{
        "name": "Bo (entered at head office)", "code": f"HO2-{ref}",
        "contact_mechanisms": [("create", [{"type": "mobile", "value": phone}])]}])
    parties = _counts(rpc)["party.party"]
    other = ref.replace("-CU-", "-CX-")
    crm.send([customer_created(ref, "Ada Lovelace", email=email, segment="vip"),
              customer_created(other, "Bo Hill", phone=phone)])
    assert _counts(rpc)["party.party"] == parties
    ada, bo = _party(rpc, ref), _party(rpc, other)
    assert (ada["id"], ada["code"], ada["name"]) == (by_email, f"HO-{ref}",
                                                    "Ada (entered at head office)")
    assert "Warranty Desk / VIP" in ada["category_names"]
    assert bo["id"] == by_phone and ("mobile", phone) in bo["contacts"]
    # Later events find the adopted party by the reference alone.
    crm.send([claim_decided("C-9", ref)])
    assert len(_notes(rpc, by_email)) == 1


def test_a_party_already_linked_to_another_customer_is_not_taken_over(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    shared = f"family-{ref.lower()}@example.org"
    sibling = ref.replace("-CU-", "-CY-")
    crm.send([customer_created(ref, "Ada Lovelace", email=shared),
              customer_created(sibling, "Byron Lovelace", email=shared)])
    assert _party(rpc, ref)["id"] != _party(rpc, sibling)["id"]
    assert _party(rpc, sibling)["code"] == sibling


def test_a_note_for_a_customer_the_crm_lacks_makes_the_party_and_details_follow(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    assert _statuses(crm, [claim_decided("C-1", ref)]) == ["accepted"]
    assert _party(rpc, ref)["name"] == ref
    crm.send([customer_created(ref, "Ada Lovelace", segment="reseller")])
    party = _party(rpc, ref)
    assert party["name"] == "Ada Lovelace"
    assert "Warranty Desk / Reseller" in party["category_names"]


def test_a_merged_party_sends_its_notes_to_the_party_that_replaced_it(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    crm.send([customer_created(ref)])
    old = _party(rpc, ref)["id"]
    [survivor] = rpc.model("party.party", "create", [{"name": "Ada Lovelace",
                                                       "code": f"M-{ref}"}])
    # Head office merges the duplicate with Tryton's own Replace wizard.
    session, _, _ = rpc.call("wizard.party.replace.create", {})
    rpc.call("wizard.party.replace.execute", session,
             {"ask": {"source": old, "destination": survivor}}, "replace", {})
    rpc.call("wizard.party.replace.delete", session, {})
    crm.send([claim_decided("C-2", ref)])
    assert _notes(rpc, old) == [] and len(_notes(rpc, survivor)) == 1


@pytest.fixture
def locked_parties(rpc: TrytonRpc) -> Iterator[str]:
    """A head-office rule that forbids changing parties whose code starts with LOCKED-."""
    domain = json.dumps([["code", "not like", "LOCKED-%"]])
    [group] = rpc.model("ir.rule.group", "create", [{
        "name": "Locked parties", "model": "party.party", "global_p": True,
        "perm_read": False, "perm_write": True, "perm_create": False, "perm_delete": False,
        "rules": [("create", [{"domain": domain}])]}])
    yield "LOCKED-"
    rpc.model("ir.rule.group", "delete", [group])


def test_a_tryton_user_error_rejects_that_event_with_trytons_message_only(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str, locked_parties: str,
) -> None:
    locked = locked_parties + ref
    rpc.model("party.party", "create", [{"name": "Frozen Account", "code": locked}])
    rename = event("customer.updated", {"reference": locked, "name": "New Name", "phone": "",
                                        "email": "", "segment": "retail"})
    fine = customer_created(ref)
    outcomes = crm.send([rename, fine])
    assert [o.status for o in outcomes] == ["rejected", "accepted"]
    assert "not allowed" in outcomes[0].reason.lower()
    assert _party(rpc, locked)["name"] == "Frozen Account"


def test_an_ended_session_is_renewed_without_losing_the_event(
    crm: TrytonConnector, ref: str,
) -> None:
    crm.send([customer_created(ref)])
    crm.rpc.call("common.db.logout")
    assert _statuses(crm, [claim_decided("C-1", ref)]) == ["accepted"]


def test_a_wrong_password_is_transient_and_never_shown(tryton: TrytonServer) -> None:
    wrong = TrytonConnector(tryton.url, tryton.database, tryton.user, "not-the-pw-5521")
    with pytest.raises(TransientError, match="refused the login") as refused:
        wrong.send([customer_created("CU-1")])
    assert "not-the-pw-5521" not in str(refused.value)
    assert "not-the-pw-5521" not in repr(wrong)


def test_an_unreachable_tryton_is_transient() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = TrytonConnector(f"http://127.0.0.1:{port}", "crm", "admin", "pw", timeout=2)
    with pytest.raises(TransientError, match="Could not reach Tryton"):
        down.send([customer_created("CU-1")])


def test_a_busy_tryton_is_transient_with_its_retry_after() -> None:
    with webhook_receiver("unused") as stub:
        stub.script.append(Scripted(503, headers={"Retry-After": "12"}))
        busy = TrytonConnector(stub.url.rsplit("/hooks", 1)[0], "crm", "admin", "pw")
        with pytest.raises(TransientError, match="HTTP 503") as error:
            busy.send([customer_created("CU-1")])
    assert error.value.retry_after == 12.0


def test_the_cores_own_events_reach_tryton(shop: Database, crm: TrytonConnector,
                                           rpc: TrytonRpc) -> None:
    from warranty_desk.services import customer_view

    sell(shop)
    support = actor(Role.SUPPORT)
    ref = customer_view.find_customers(shop, support, "Ada")[0].reference
    customer_view.set_segment(shop, support, ref, "business")
    customer_view.set_retention_follow_up(shop, support, ref, True, "Unhappy with the repair")
    # Each test database starts numbering at the same reference: make this one unique.
    unique = f"{ref}-{uuid.uuid4().hex[:6]}"
    events = [renamed(e, ref, unique) for e in outbox_events(shop) if crm.wants(e.topic)]
    assert {e.topic for e in events} == {"customer.created", "customer.updated",
                                         "warranty.activated"}
    assert set(_statuses(crm, events)) == {"accepted"}
    party = _party(rpc, unique)
    assert party["name"] == "Ada Lovelace"
    assert "Warranty Desk / Business" in party["category_names"]
    assert "Warranty Desk / Retention follow-up" in party["category_names"]
    notes = _notes(rpc, party["id"])
    assert any("Lumen 14 Laptop" in n for n in notes)
    assert any("Unhappy with the repair" in n for n in notes)

