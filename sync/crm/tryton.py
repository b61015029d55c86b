"""The Tryton CRM connector: customers become parties, outcomes and purchases become notes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sync.contract import Event, Outcome
from sync.crm import mapping, tryton_erasure
from sync.crm.jsonrpc import TrytonRpc, TrytonUserError
from sync.crm.mapping import CrmCustomer, CrmRecord

log = logging.getLogger(__name__)

SEGMENT_LABELS = {"retail": "Retail", "vip": "VIP", "business": "Business",
                  "reseller": "Reseller"}
RETENTION_LABEL = "Retention follow-up"
_PHONE_TYPES = ["phone", "mobile"]
# A party merged in Tryton points at its survivor; a short chain is plenty.
_MAX_REPLACED_HOPS = 5
# Every query sees archived parties too: an archived party still owns its unique code.
_ALL = tryton_erasure.ALL


def note_marker(event_id: str) -> str:
    """The tag that ties a party note to its event, so a resend never writes it twice."""
    return f"[Warranty Desk event {event_id}]"


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class TrytonConnector:
    """Keeps Tryton parties in step with Warranty Desk customers, and notes what happened.

    A party is found by the customer's reference (the party's `code`, or an identifier when
    an existing party was adopted), then by email, then by phone. The code is Tryton's own
    unique, indexed key and is never renumbered once set, unlike a person's email or phone.
    Parties synced from the counter carry the category `<root>`; segments and the retention
    flag are its children, so a segment change never touches categories staff assigned.
    """

    def __init__(self, url: str, database: str, user: str, password: str, *,
                 name: str = "crm", batch_size: int = 20, timeout: float = 15.0,
                 category_root: str = "Warranty Desk", ca_bundle: str | None = None,
                 rpc: TrytonRpc | None = None) -> None:
        self.name = name
        self.batch_size = batch_size
        self.rpc = rpc or TrytonRpc(url, database, user, password, timeout=timeout,
                                    ca_bundle=ca_bundle)
        self.category_root = category_root
        self._categories: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"TrytonConnector({self.rpc!r})"

    def wants(self, topic: str) -> bool:
        """Customers, purchases, claim outcomes, complaints and erasures."""
        return mapping.wants(topic)

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        """Apply each event in order, so an erasure comes after the customer's earlier events;
        "duplicate" when Tryton already had all of it."""
        return mapping.send_each(events, self._deliver)

    def _deliver(self, event: Event, record: CrmRecord) -> Outcome:
        try:
            changed = self._apply(record)
        except TrytonUserError as e:
            # A category deleted by hand shows up as an error: look them up afresh.
            self._categories.clear()
            log.info("Tryton refused event %s: %s", event.id, e)
            return Outcome(event.id, "rejected", str(e))
        return Outcome(event.id, "accepted" if changed else "duplicate")

    def close(self) -> None:
        """Drop pooled connections; safe to call twice."""
        self.rpc.close()

    # --- one record ------------------------------------------------------------------------

    def _apply(self, record: CrmRecord) -> bool:
        """Write what Tryton lacks of this record; False when it already had all of it."""
        if record.kind == "erasure":
            return self._erase(record)
        customer = record.customer
        party_id = self._by_reference(customer.reference)
        adopted = False
        if party_id is None:
            party_id = self._by_contact(customer)
            adopted = party_id is not None
        # The note's tag proves the event was applied: party changes are written before it.
        if party_id is not None and record.note and self._has_note(party_id, record.event_id):
            return False
        changed = False
        if party_id is None:
            party_id, changed = self._create(customer)
        if record.kind == "customer" or adopted:
            # customer.updated carries the counter's current state; anything else only
            # fills in what the party lacks, so a replayed old event cannot undo a newer one.
            overwrite = record.topic == "customer.updated"
            changed = self._update(party_id, customer, adopted=adopted,
                                   overwrite=overwrite) or changed
        if record.note:
            self._add_note(party_id, record)
            changed = True
        return changed

    def _erase(self, record: CrmRecord) -> bool:
        """Erase the customer's parties (and their merged duplicates'), then note why; a
        customer Tryton never had gets no party."""
        reference, alias = record.customer.reference, record.customer.name
        references = [reference, *record.details.get("merged_references", [])]
        parties = tryton_erasure.parties_of(self.rpc, references)
        if not parties:
            return False
        retention = self._category(RETENTION_LABEL, child=True)
        changed = tryton_erasure.erase_parties(self.rpc, parties, references, alias,
                                               [retention])
        party_id = self._by_reference(reference) or parties[0]
        if not self._has_note(party_id, record.event_id):
            self._add_note(party_id, record)
            changed = True
        return changed

    def _by_reference(self, reference: str) -> int | None:
        rows = self.rpc.model("party.party", "search_read",
                              ["OR", ("code", "=", reference),
                               ("identifiers.code", "=", reference)],
                              0, 1, [("id", "ASC")], ["replaced_by"], context=_ALL)
        if not rows:
            return None
        party_id, survivor = int(rows[0]["id"]), rows[0]["replaced_by"]
        for _ in range(_MAX_REPLACED_HOPS):
            if not survivor:
                break
            party_id = int(survivor)
            [row] = self.rpc.model("party.party", "read", [party_id], ["replaced_by"],
                                   context=_ALL)
            survivor = row["replaced_by"]
        return party_id

    def _by_contact(self, customer: CrmCustomer) -> int | None:
        """A party with this email, else this phone, not yet linked to another customer."""
        searches: list[list[Any]] = []
        if customer.email:
            searches.append([("type", "=", "email"), ("value", "ilike", _like(customer.email))])
        if customer.phone:
            searches.append([("type", "in", _PHONE_TYPES),
                             ["OR", ("value", "=", customer.phone),
                              ("value_compact", "=", customer.phone)]])
        if not searches:
            return None
        root = self._category(self.category_root)
        for domain in searches:
            rows = self.rpc.model("party.contact_mechanism", "search_read", domain, 0, None,
                                  [("party", "ASC")], ["party"])
            party_ids = sorted({r["party"] for r in rows})
            if not party_ids:
                continue
            parties = self.rpc.model("party.party", "read", party_ids, ["categories"],
                                     context=_ALL)
            free = sorted(p["id"] for p in parties if root not in p["categories"])
            if free:
                return int(free[0])
        return None

    def _create(self, customer: CrmCustomer) -> tuple[int, bool]:
        """A new party for the customer: (id, True), or the one another desk just made."""
        mechanisms = [{"type": "email", "value": customer.email}] if customer.email else []
        if customer.phone:
            mechanisms.append({"type": "phone", "value": customer.phone})
        values: dict[str, Any] = {
            "name": customer.name or customer.reference, "code": customer.reference,
            "categories": [("add", sorted(self._wanted_categories(customer)))],
        }
        if mechanisms:
            values["contact_mechanisms"] = [("create", mechanisms)]
        try:
            [party_id] = self.rpc.model("party.party", "create", [values])
        except TrytonUserError:
            # The code is unique: a party made a moment ago by another desk wins.
            existing = self._by_reference(customer.reference)
            if existing is None:
                raise
            return existing, False
        return int(party_id), True

    def _update(self, party_id: int, customer: CrmCustomer, *, adopted: bool,
                overwrite: bool) -> bool:
        [party] = self.rpc.model("party.party", "read", [party_id],
                                 ["name", "categories", "contact_mechanisms"], context=_ALL)
        values: dict[str, Any] = {}
        # A party made for a note before its customer event arrived is named by reference.
        placeholder = party["name"] in (None, "", customer.reference)
        if customer.name and party["name"] != customer.name and (overwrite or placeholder):
            values["name"] = customer.name
        # Contact mechanisms are only ever added: staff may have entered others by hand.
        mechanisms = self._missing_mechanisms(party["contact_mechanisms"], customer)
        if mechanisms:
            values["contact_mechanisms"] = [("create", mechanisms)]
        have = set(party["categories"])
        add = self._wanted_categories(customer) - have
        remove = self._unwanted_categories(customer) & have
        if not overwrite:
            remove = set()
            segments = {self._category(label, child=True) for label in SEGMENT_LABELS.values()}
            if have & segments:
                add -= segments
        if add or remove:
            values["categories"] = [("add", sorted(add)), ("remove", sorted(remove))]
        if adopted:
            values["identifiers"] = [("create", [{"code": customer.reference}])]
        if not values:
            return False
        self.rpc.model("party.party", "write", [party_id], values)
        return True

    def _missing_mechanisms(self, ids: list[int], customer: CrmCustomer) -> list[dict[str, str]]:
        rows = self.rpc.model("party.contact_mechanism", "read", ids,
                              ["type", "value", "value_compact"]) if ids else []
        emails = {str(r["value"]).lower() for r in rows if r["type"] == "email"}
        phones = {str(r[k]) for r in rows if r["type"] in _PHONE_TYPES
                  for k in ("value", "value_compact") if r[k]}
        missing = []
        if customer.email and customer.email.lower() not in emails:
            missing.append({"type": "email", "value": customer.email})
        if customer.phone and customer.phone not in phones:
            missing.append({"type": "phone", "value": customer.phone})
        return missing

    def _has_note(self, party_id: int, event_id: str) -> bool:
        found = self.rpc.model("ir.note", "search",
                               [("resource", "=", f"party.party,{party_id}"),
                                ("message", "like", f"%{_like(note_marker(event_id))}%")],
                               0, 1, None)
        return bool(found)

    def _add_note(self, party_id: int, record: CrmRecord) -> None:
        # The event's date, not the sync's: a branch may have been offline for days.
        day = record.occurred_at.date().isoformat()
        message = f"{day}: {record.note}\n{note_marker(record.event_id)}"
        self.rpc.model("ir.note", "create",
                       [{"resource": f"party.party,{party_id}", "message": message}])

    # --- categories ------------------------------------------------------------------------

    def _wanted_categories(self, customer: CrmCustomer) -> set[int]:
        wanted = {self._category(self.category_root)}
        if customer.segment:
            wanted.add(self._category(SEGMENT_LABELS[customer.segment], child=True))
        if customer.retention_follow_up:
            wanted.add(self._category(RETENTION_LABEL, child=True))
        return wanted

    def _unwanted_categories(self, customer: CrmCustomer) -> set[int]:
        unwanted = set()
        if customer.segment:
            unwanted |= {self._category(label, child=True)
                         for key, label in SEGMENT_LABELS.items() if key != customer.segment}
        if customer.retention_follow_up is False:
            unwanted.add(self._category(RETENTION_LABEL, child=True))
        return unwanted

    def _category(self, name: str, *, child: bool = False) -> int:
        key = f"{self.category_root}/{name}" if child else name
        if key in self._categories:
            return self._categories[key]
        parent = self._category(self.category_root) if child else None
        found = self.rpc.model("party.category", "search",
                               [("name", "=", name), ("parent", "=", parent)], 0, 1, None,
                               context=_ALL)
        if found:
            category_id = int(found[0])
        else:
            [category_id] = self.rpc.model("party.category", "create",
                                           [{"name": name, "parent": parent}])
        self._categories[key] = category_id
        return category_id
