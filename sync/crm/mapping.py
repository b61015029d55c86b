"""What the CRM hears: outbox events turned into customer records and notes for the party."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sync.contract import Event, Outcome

Kind = Literal["customer", "purchase", "claim_outcome", "complaint", "erasure"]

# customer.* carry the whole customer; the others name them by reference and add a note.
CUSTOMER_TOPICS = frozenset({"customer.created", "customer.updated"})
# The till erased the customer's personal data (GDPR Art. 17): the CRM erases its copy.
ERASED_TOPIC = "customer.erased"
TOPICS = CUSTOMER_TOPICS | {
    "warranty.activated", "warranty.extended", "claim.decided", "claim.reopened",
    "complaint.logged", ERASED_TOPIC,
}
ERASURE_NOTE = ("Personal data erased at the customer's request (GDPR Art. 17): name, phone, "
                "email and addresses are gone; warranties and claims stay under this name.")
SEGMENTS = ("retail", "vip", "business", "reseller")


class MappingError(ValueError):
    """The event lacks what the CRM needs; it is parked with this reason, not dropped."""


@dataclass(frozen=True, slots=True)
class CrmCustomer:
    """A customer as the CRM keys and shows them; "" (or None) means the event did not say."""

    reference: str
    name: str = ""
    email: str = ""
    phone: str = ""
    segment: str = ""
    retention_follow_up: bool | None = None


@dataclass(frozen=True, slots=True)
class CrmRecord:
    """One event in CRM terms: whose record it touches, what to note, and the plain facts."""

    event_id: str
    topic: str
    kind: Kind
    occurred_at: datetime
    customer: CrmCustomer
    note: str = ""  # a line for the party's history, so later conversations are informed
    details: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The record as the webhook sends it (a stable, CRM-facing shape).

        Customer fields the event did not state are left out: the CRM keeps what it has. An
        erasure states them all: the pseudonym as the name, and an empty phone and email.
        """
        c = self.customer
        if self.kind == "erasure":
            return {"id": self.event_id, "topic": self.topic, "kind": self.kind,
                    "occurred_at": self.occurred_at.isoformat(),
                    "customer": {"reference": c.reference, "name": c.name, "email": "",
                                 "phone": ""},
                    "note": self.note, "details": dict(self.details)}
        customer: dict[str, Any] = {"reference": c.reference}
        for key, value in (("name", c.name), ("email", c.email), ("phone", c.phone),
                           ("segment", c.segment)):
            if value:
                customer[key] = value
        if c.retention_follow_up is not None:
            customer["retention_follow_up"] = c.retention_follow_up
        return {"id": self.event_id, "topic": self.topic, "kind": self.kind,
                "occurred_at": self.occurred_at.isoformat(), "customer": customer,
                "note": self.note, "details": dict(self.details)}


def wants(topic: str) -> bool:
    """Whether events of this topic mean anything to a CRM."""
    return topic in TOPICS


def to_crm(event: Event) -> CrmRecord | None:
    """The CRM record for an event; None when there is nothing for the CRM (anonymous sale)."""
    if event.topic in CUSTOMER_TOPICS:
        return _customer_record(event)
    if event.topic == ERASED_TOPIC:
        return _erasure_record(event)
    builder = _NOTE_BUILDERS.get(event.topic)
    if builder is None:
        return None
    customer = _named_customer(event)
    if customer is None:
        return None
    kind, note, details = builder(event.payload)
    return CrmRecord(event.id, event.topic, kind, event.occurred_at, customer, note, details)


def _text(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    return "" if value is None else str(value).strip()


def _customer_record(event: Event) -> CrmRecord:
    p = event.payload
    reference = _text(p, "reference") or event.aggregate_id.strip()
    name = _text(p, "name")
    if not reference or not name:
        raise MappingError(f"{event.topic} {event.id} has no customer reference or name.")
    segment = _text(p, "segment").lower()
    if segment and segment not in SEGMENTS:
        raise MappingError(f"{event.topic} for {reference} has an unknown segment {segment!r}.")
    flag = p.get("retention_follow_up")
    customer = CrmCustomer(reference, name, _text(p, "email"), _text(p, "phone"), segment,
                           bool(flag) if flag is not None else None)
    note = ""
    if event.topic == "customer.updated":
        note = _change_note(p)
    details: dict[str, Any] = {k: p[k] for k in ("from", "to", "flag", "reason", "merged_from",
                                                 "merged_into") if k in p}
    return CrmRecord(event.id, event.topic, "customer", event.occurred_at, customer, note,
                     details)


def _erasure_record(event: Event) -> CrmRecord:
    """customer.erased: whom to erase (with the duplicates merged into them) and their new name."""
    p = event.payload
    reference = _text(p, "reference") or event.aggregate_id.strip()
    alias = _text(p, "pseudonym")
    merged = p.get("merged_references") or []
    if not reference or not alias or not isinstance(merged, list):
        raise MappingError(f"{event.topic} {event.id} has no customer reference or pseudonym.")
    details = {"pseudonym": alias,
               "merged_references": [str(r).strip() for r in merged if str(r).strip()]}
    return CrmRecord(event.id, event.topic, "erasure", event.occurred_at,
                     CrmCustomer(reference, alias, retention_follow_up=False), ERASURE_NOTE,
                     details)


def _change_note(p: Mapping[str, Any]) -> str:
    """What changed, in words; customer.updated merges the change's details into its payload.

    Every update leaves a note: besides informing the next conversation, the note's event tag
    tells a resend that this update is already in the CRM.
    """
    if _text(p, "merged_into"):
        return (f"Duplicate record, merged into customer {_text(p, 'merged_into')}: use that "
                "one from now on.")
    if _text(p, "merged_from"):
        return (f"Customer {_text(p, 'merged_from')} was a duplicate of this one and is merged "
                "into it: its purchases, claims and messages are here now.")
    if "flag" in p:
        state = "Retention follow-up requested" if p["flag"] else "Retention follow-up cleared"
        return f"{state}: {_text(p, 'reason') or 'no reason given'}"
    if "from" in p and "to" in p:
        return f"Segment changed from {_text(p, 'from')} to {_text(p, 'to')}."
    return "Customer details updated at the counter."


def _named_customer(event: Event) -> CrmCustomer | None:
    p = event.payload
    if "customer" not in p:
        # Parked with a reason rather than settled: once the core sends it, it can be replayed.
        raise MappingError(f"{event.topic} {event.aggregate_id} names no customer; the CRM "
                           "needs the customer reference on this event.")
    who = p["customer"]
    if isinstance(who, Mapping):
        reference = _text(who, "reference")
        if not reference:
            return None
        return CrmCustomer(reference, _text(who, "name"), _text(who, "email"),
                           _text(who, "phone"))
    reference = "" if who is None else str(who).strip()
    return CrmCustomer(reference) if reference else None


def _purchase(p: Mapping[str, Any]) -> tuple[Kind, str, dict[str, Any]]:
    product = _text(p, "product") or _text(p, "sku") or "a product"
    serial = f" (serial {_text(p, 'serial')})" if _text(p, "serial") else ""
    invoice = f" on invoice {_text(p, 'invoice')}" if _text(p, "invoice") else ""
    note = (f"Bought {product}{serial}{invoice}; warranty {_text(p, 'code')} "
            f"runs {_text(p, 'start')} to {_text(p, 'end')}.")
    keys = ("code", "product", "sku", "serial", "invoice", "start", "end")
    return "purchase", note, {k: p[k] for k in keys if k in p}


def _extension(p: Mapping[str, Any]) -> tuple[Kind, str, dict[str, Any]]:
    note = (f"Bought the extended warranty {_text(p, 'plan')} for {_text(p, 'code')}; "
            f"covered until {_text(p, 'end')}.")
    keys = ("code", "plan", "end", "price_minor")
    return "purchase", note, {k: p[k] for k in keys if k in p}


def _claim_outcome(p: Mapping[str, Any]) -> tuple[Kind, str, dict[str, Any]]:
    number, outcome = _text(p, "number"), _text(p, "outcome")
    verdict = {"repair": "repaired", "replace": "replaced", "refund": "refunded",
               "reject": "rejected"}.get(outcome, outcome or _text(p, "state"))
    note = f"Claim {number} {verdict}"
    if _text(p, "serial"):
        note += f" (serial {_text(p, 'serial')})"
    note += f". Reason: {_text(p, 'reason') or 'not given'}."
    if _text(p, "new_serial"):
        note += (f" Replacement serial {_text(p, 'new_serial')}, warranty "
                 f"{_text(p, 'new_warranty')} until {_text(p, 'end')}.")
    if _text(p, "amount"):
        # The till sends the amount in major units with its currency beside it (799.00 EUR).
        amount = f"{_text(p, 'amount')} {_text(p, 'currency')}".strip()
        note += f" Refunded {amount} (POS {_text(p, 'refund_reference')})."
    keys = ("number", "state", "outcome", "reason", "claim_type", "fault", "serial",
            "new_serial", "new_warranty", "end", "amount", "currency", "refund_reference")
    return "claim_outcome", note, {k: p[k] for k in keys if k in p}


def _claim_reopened(p: Mapping[str, Any]) -> tuple[Kind, str, dict[str, Any]]:
    # The CRM heard the rejection; without this its note would stand as the last word.
    note = (f"Claim {_text(p, 'number')} reopened: a manager is looking at it again. "
            f"Reason: {_text(p, 'reason') or 'not given'}.")
    keys = ("number", "state", "from_state", "reason", "serial")
    return "claim_outcome", note, {k: p[k] for k in keys if k in p}


def _complaint(p: Mapping[str, Any]) -> tuple[Kind, str, dict[str, Any]]:
    about = f" about claim {_text(p, 'claim')}" if _text(p, "claim") else ""
    channel = f" ({_text(p, 'channel')})" if _text(p, "channel") else ""
    note = f"Complaint{channel}{about}: {_text(p, 'text') or 'no text'}"
    return "complaint", note, {k: p[k] for k in ("claim", "channel", "text") if k in p}


_NOTE_BUILDERS = {
    "warranty.activated": _purchase,
    "warranty.extended": _extension,
    "claim.decided": _claim_outcome,
    "claim.reopened": _claim_reopened,
    "complaint.logged": _complaint,
}


def send_each(events: Sequence[Event], deliver: Callable[[Event, CrmRecord], Outcome]
              ) -> list[Outcome]:
    """The connectors' loop: map each event, refuse what cannot map, skip what has no CRM
    record, and hand the rest to `deliver` (which may raise TransientError to stop)."""
    outcomes: list[Outcome] = []
    for event in events:
        try:
            record = to_crm(event)
        except MappingError as e:
            outcomes.append(Outcome(event.id, "rejected", str(e)))
            continue
        if record is None:
            outcomes.append(Outcome(event.id, "accepted", "nothing for the CRM"))
            continue
        outcomes.append(deliver(event, record))
    return outcomes
