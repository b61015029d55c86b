"""customer.erased in a real trytond 8: the party keeps its code under the pseudonym, and
nothing else of the person."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from sync.contract import Event, Outcome
from sync.crm.jsonrpc import TrytonRpc
from sync.crm.mapping import ERASURE_NOTE
from sync.crm.tryton import TrytonConnector
from sync.engine import SyncEngine
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
from tests.unit.services.helpers import sell
from warranty_desk.permissions import Role
from warranty_desk.rules.erasure import pseudonym
from warranty_desk.services import customer_view, erasure
from warranty_desk.storage.database import Database

pytestmark = pytest.mark.slow
_ALL = {"active_test": False}


@pytest.fixture
def ref() -> str:
    """A customer reference no other test uses (they share one server)."""
    return f"E{uuid.uuid4().hex[:8].upper()}-CU-000001"


def erased(reference: str, *merged: str) -> Event:
    """customer.erased as services/erasure.py writes it."""
    return event("customer.erased", {"reference": reference, "pseudonym": pseudonym(reference),
                                     "merged_references": list(merged)})


def _party(rpc: TrytonRpc, reference: str) -> dict[str, Any]:
    [row] = rpc.model("party.party", "search_read", [("code", "=", reference)], 0, None, None,
                      ["name", "code", "active", "categories.rec_name", "identifiers"],
                      context=_ALL)
    row["category_names"] = sorted(c["rec_name"] for c in row["categories."])
    return dict(row)


def _held(rpc: TrytonRpc, model: str, party_id: int, fields: list[str]) -> list[dict[str, Any]]:
    """Every record of `model` on the party, archived ones too."""
    rows: list[dict[str, Any]] = rpc.model(model, "search_read", [("party", "=", party_id)],
                                           0, None, [("id", "ASC")], fields, context=_ALL)
    return rows


def _notes(rpc: TrytonRpc, party_id: int) -> list[str]:
    rows = rpc.model("ir.note", "search_read", [("resource", "=", f"party.party,{party_id}")],
                     0, None, [("id", "ASC")], ["message"])
    return [r["message"] for r in rows]


def _statuses(connector: TrytonConnector, events: Sequence[Event]) -> list[str]:
    return [o.status for o in connector.send(list(events))]


def test_an_erased_customer_keeps_the_party_and_its_history_under_the_pseudonym_only(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    phone, email = fictional_phone(), f"{ref.lower()}@example.org"
    complaint = event("complaint.logged", {
        "customer": ref, "channel": "phone",
        "text": f"Ada Lovelace rang from {phone}, answer to {email}"})
    flagged = event("customer.updated", {
        "reference": ref, "name": "Ada Lovelace", "phone": phone, "email": email,
        "segment": "vip", "retention_follow_up": True, "flag": True, "reason": "Angry"})
    claim = claim_decided("C-7", ref, reason="Shown to Ada Lovelace")
    assert _statuses(crm, [customer_created(ref, email=email, phone=phone, segment="vip"),
                           claim, complaint, flagged]) == ["accepted"] * 4
    party_id = _party(rpc, ref)["id"]
    # What staff added by hand in Tryton: an address, a second email, a tax identifier.
    rpc.model("party.address", "create", [{"party": party_id, "street_unstructured":
                                           "12 Analytical Row", "city": "London"}])
    rpc.model("party.contact_mechanism", "create", [{"party": party_id, "type": "email",
                                                     "value": f"home-{email}"}])
    rpc.model("party.identifier", "create", [{"party": party_id, "code": "AB-123-456"}])

    assert _statuses(crm, [erased(ref)]) == ["accepted"]

    party = _party(rpc, ref)
    assert (party["name"], party["code"], party["active"]) == (pseudonym(ref), ref, True)
    assert party["category_names"] == ["Warranty Desk", "Warranty Desk / VIP"]
    assert _held(rpc, "party.contact_mechanism", party_id, ["value"]) == []
    assert _held(rpc, "party.address", party_id, ["city"]) == []
    assert _held(rpc, "party.identifier", party_id, ["code"]) == []
    notes = _notes(rpc, party_id)
    assert len(notes) == 4  # the claim, the complaint, the flag, the erasure
    for note in notes:
        for word in ("Ada Lovelace", "Lovelace", email, phone, phone[3:]):
            assert word not in note, note
    # A rewritten note keeps its day and its event's tag (a resend still finds it).
    assert f"2026-11-22: Claim C-7 repaired (serial SN-LAP-0001). Reason: Shown to " \
           f"{pseudonym(ref)}.\n[Warranty Desk event {claim.id}]" in notes
    [said] = [n for n in notes if n.startswith("2026-11-22: Complaint (phone)")]
    assert "[phone erased]" in said and "[email erased]" in said
    assert notes[-1].startswith(f"2026-11-22: {ERASURE_NOTE}")
    assert _statuses(crm, [claim, complaint]) == ["duplicate", "duplicate"]


def test_an_erasure_sent_again_changes_nothing(crm: TrytonConnector, rpc: TrytonRpc,
                                               ref: str, tryton: TrytonServer) -> None:
    crm.send([customer_created(ref, email=f"{ref.lower()}@example.org")])
    again = erased(ref)
    assert _statuses(crm, [again]) == ["accepted"]
    party = _party(rpc, ref)
    fresh = TrytonConnector(tryton.url, tryton.database, tryton.user, tryton.password)
    try:
        assert _statuses(fresh, [again]) == ["duplicate"]
    finally:
        fresh.close()
    assert len(_notes(rpc, party["id"])) == 1
    # A second erasure (another event id) finds nothing left to erase either.
    assert _statuses(crm, [erased(ref)]) == ["accepted"]
    assert _party(rpc, ref)["name"] == pseudonym(ref)


def test_an_erasure_of_a_customer_tryton_never_had_makes_no_party(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    assert _statuses(crm, [erased(ref)]) == ["duplicate"]
    assert rpc.model("party.party", "search", [("code", "=", ref)], 0, None, None,
                     context=_ALL) == []


def test_the_duplicates_merged_into_the_customer_are_erased_with_them(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    duplicate = ref.replace("-CU-", "-CD-")
    crm.send([customer_created(ref, email=f"{ref.lower()}@example.org"),
              customer_created(duplicate, "Ada L.", phone=fictional_phone())])
    assert _statuses(crm, [erased(ref, duplicate)]) == ["accepted"]
    for reference in (ref, duplicate):
        party = _party(rpc, reference)
        assert party["name"] == pseudonym(ref)
        assert _held(rpc, "party.contact_mechanism", party["id"], ["value"]) == []


def test_a_party_merged_in_tryton_is_erased_with_the_party_that_replaced_it(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str,
) -> None:
    crm.send([customer_created(ref, email=f"{ref.lower()}@example.org"),
              claim_decided("C-8", ref, reason="Shown to Ada Lovelace")])
    old = _party(rpc, ref)["id"]
    [survivor] = rpc.model("party.party", "create", [{
        "name": "Ada Lovelace", "code": f"M-{ref}",
        "contact_mechanisms": [("create", [{"type": "phone", "value": fictional_phone()}])]}])
    session, _, _ = rpc.call("wizard.party.replace.create", {})
    rpc.call("wizard.party.replace.execute", session,
             {"ask": {"source": old, "destination": survivor}}, "replace", {})
    rpc.call("wizard.party.replace.delete", session, {})
    assert _statuses(crm, [erased(ref)]) == ["accepted"]
    [gone, kept] = rpc.model("party.party", "read", [old, survivor], ["name", "code"],
                             context=_ALL)
    # The merged-away party is read-only: Tryton's own Erase wizard blanked it.
    assert (gone["name"], gone["code"]) == (None, ref)
    assert _notes(rpc, old) == []
    assert kept["name"] == pseudonym(ref)
    # The Replace wizard moved the old party's email to the survivor, archived: gone too.
    assert _held(rpc, "party.contact_mechanism", survivor, ["value"]) == []
    assert [n for n in _notes(rpc, survivor) if ERASURE_NOTE in n]
    assert _statuses(crm, [erased(ref)]) == ["accepted"]  # the note only: nothing left


@pytest.fixture
def undeletable(rpc: TrytonRpc) -> Iterator[str]:
    """A rule standing for a link elsewhere in Tryton: contact mechanisms and addresses of
    parties whose code starts with HELD- cannot be deleted."""
    domain = json.dumps([["party.code", "not like", "HELD-%"]])
    groups = [rpc.model("ir.rule.group", "create", [{
        "name": f"Linked {model}", "model": model, "global_p": True, "perm_read": False,
        "perm_write": False, "perm_create": False, "perm_delete": True,
        "rules": [("create", [{"domain": domain}])]}])[0]
        for model in ("party.contact_mechanism", "party.address")]
    yield "HELD-"
    rpc.model("ir.rule.group", "delete", groups)


def test_what_tryton_will_not_delete_is_archived_and_scrubbed(
    crm: TrytonConnector, rpc: TrytonRpc, ref: str, undeletable: str,
) -> None:
    held = undeletable + ref
    email = f"{ref.lower()}@example.org"
    crm.send([customer_created(held, email=email, phone=fictional_phone())])
    party_id = _party(rpc, held)["id"]
    rpc.model("party.address", "create", [{"party": party_id, "street_unstructured":
                                           "12 Analytical Row", "city": "London"}])
    # One the staff archived earlier: read-only in Tryton, and still the customer's.
    [email_row] = rpc.model("party.contact_mechanism", "search",
                            [("party", "=", party_id), ("type", "=", "email")], 0, None, None)
    rpc.model("party.contact_mechanism", "write", [email_row], {"active": False})
    assert _statuses(crm, [erased(held)]) == ["accepted"]
    mechanisms = _held(rpc, "party.contact_mechanism", party_id,
                       ["type", "value", "active"])
    assert [(m["type"], m["value"], m["active"]) for m in mechanisms] == [
        ("other", "****", False), ("other", "****", False)]
    [address] = _held(rpc, "party.address", party_id,
                      ["street_unstructured", "city", "active"])
    assert (address["street_unstructured"], address["city"], address["active"]) == (
        None, None, False)
    assert _party(rpc, held)["name"] == pseudonym(held)
    assert _statuses(crm, [erased(held)]) == ["accepted"]  # nothing left, only the note


class _Renamed:
    """The Tryton connector with the till's reference made unique (the server is shared)."""

    def __init__(self, inner: TrytonConnector, old: str, new: str) -> None:
        self.inner, self.old, self.new = inner, old, new
        self.name, self.batch_size = inner.name, inner.batch_size
        self.sent: list[str] = []

    def wants(self, topic: str) -> bool:
        return self.inner.wants(topic)

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        renamed = [_renamed(e, self.old, self.new) for e in events]
        self.sent += [e.topic for e in renamed]
        return self.inner.send(renamed)


def _renamed(e: Event, old: str, new: str) -> Event:
    moved = renamed(e, old, new)
    if e.topic == "customer.erased":
        moved.payload["pseudonym"] = pseudonym(new)
    return moved


def _ada(shop: Database) -> str:
    sell(shop)
    return customer_view.find_customers(shop, actor(Role.SALES), "Ada")[0].reference


def test_an_erasure_queued_behind_the_customers_own_events_leaves_no_trace_in_tryton(
    shop: Database, crm: TrytonConnector, rpc: TrytonRpc,
) -> None:
    till_ref = _ada(shop)
    unique = f"{till_ref}-{uuid.uuid4().hex[:6]}"
    erasure.erase(shop, actor(Role.MANAGER), till_ref, "Asked at the counter")
    # Nothing was sent before the erasure: the customer's events and it wait together.
    pending = [e.topic for e in outbox_events(shop) if crm.wants(e.topic)]
    assert pending[0] == "customer.created" and pending[-1] == "customer.erased"
    dest = _Renamed(crm, till_ref, unique)
    report = SyncEngine(shop, [dest]).push_once()
    assert report.destinations[0].parked == 0
    assert dest.sent == pending
    party = _party(rpc, unique)
    assert party["name"] == pseudonym(unique)
    assert _held(rpc, "party.contact_mechanism", party["id"], ["value"]) == []
    assert not any("Ada" in n or "Lovelace" in n for n in _notes(rpc, party["id"]))
    # Sent again from the start (a restored cursor): still no name, phone or email.
    crm.send([_renamed(e, till_ref, unique) for e in outbox_events(shop)
              if crm.wants(e.topic)])
    assert _party(rpc, unique)["name"] == pseudonym(unique)
    assert _held(rpc, "party.contact_mechanism", party["id"], ["value"]) == []


def test_a_customer_already_in_tryton_is_erased_when_the_erasure_follows(
    shop: Database, crm: TrytonConnector, rpc: TrytonRpc,
) -> None:
    till_ref = _ada(shop)
    unique = f"{till_ref}-{uuid.uuid4().hex[:6]}"
    dest = _Renamed(crm, till_ref, unique)
    SyncEngine(shop, [dest]).push_once()
    party = _party(rpc, unique)
    assert party["name"] == "Ada Lovelace"
    assert len(_held(rpc, "party.contact_mechanism", party["id"], ["value"])) == 2
    erasure.erase(shop, actor(Role.MANAGER), till_ref, "Asked at the counter")
    SyncEngine(shop, [dest]).push_once()
    assert dest.sent[-1] == "customer.erased"
    assert _party(rpc, unique)["name"] == pseudonym(unique)
    assert _held(rpc, "party.contact_mechanism", party["id"], ["value"]) == []
    assert not any("Lovelace" in n for n in _notes(rpc, party["id"]))
