"""A claim's timeline lines in words: what happened, and the fields an event carried."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.projections.models import BrandClaimLine, ClaimEvent
from portal.staff.templatetags.office import minor

TOPICS = {
    "claim.opened": "Claim opened",
    "claim.status_changed": "State changed",
    "claim.decided": "Decision",
    "claim.proof_checked": "Proof of purchase checked",
    "claim.evidence_added": "Document added",
    "claim.cost_posted": "Cost posted",
    "claim.replacement_handed_over": "Replacement handed over",
    "claim.handed_back": "Handed back to the customer",
    "stock.moved": "Stock moved",
    "message.queued": "Message to the customer",
}
# Fields already shown on the line or the page, or meaningless to a person.
_HIDDEN = {"number", "customer", "warranty", "sha256", "proof", "id", "claim", "from_state",
           "state", "body", "fault", "serial", "opened_at", "channel", "claim_type"}
_LONGEST = 500


@dataclass(frozen=True, slots=True)
class Line:
    """One timeline line as the page shows it."""

    at: datetime
    what: str
    change: str
    fields: list[tuple[str, str]]


def _value(value: object) -> str:
    if isinstance(value, (dict, list)):
        text = ", ".join(str(v) for v in (value.values() if isinstance(value, dict) else value))
    else:
        text = str(value)
    return text if len(text) <= _LONGEST else text[:_LONGEST] + "…"


def describe(event: ClaimEvent) -> Line:
    """The line of one timeline event (the template escapes every string)."""
    details = event.details if isinstance(event.details, dict) else {}
    change = ""
    if event.to_state and event.from_state and event.from_state != event.to_state:
        change = f"{event.from_state} → {event.to_state}"
    elif event.to_state and event.topic == "claim.opened":
        change = event.to_state
    fields = [(key.replace("_", " "), _value(value)) for key, value in sorted(details.items())
              if key not in _HIDDEN and value not in (None, "", [], {})]
    return Line(event.occurred_at, TOPICS.get(event.topic, event.topic), change, fields)


BRAND_TOPICS = {
    "brand_claim.opened": "Lodged with the brand",
    "brand_claim.claims_added": "Claims added",
    "brand_claim.details_set": "Brand's id or service centre entered",
    "brand_claim.status_changed": "Brand status",
    "brand_claim.settled": "Settlement",
    "brand_claim.written_off": "Written off",
    "brand_claim.report_added": "The brand's report filed on its claims",
    "brand_claim.proposal_received": "Settlement proposed by the brand (for finance to decide)",
}
# What a brand line carries for machines: the item it applied, the report's address.
_BRAND_HIDDEN = {"inbox_item", "sha256"}
_MONEY = {"amount_minor"}
# Where a brand's status was entered, in words (the till's BrandStatusUpdate.source).
_SOURCES = {"desk": "typed at the branch's desk", "csv": "the service centre's file",
            "head_office": "head office"}


def describe_brand(line: BrandClaimLine, currency: str) -> Line:
    """A brand claim's history line: what its event changed (amounts in major units)."""
    details = line.details if isinstance(line.details, dict) else {}
    change = ""
    if line.topic == "brand_claim.status_changed":
        change = f"{details.get('from_status', '')} → {details.get('status', '')}"
        details = {k: v for k, v in details.items() if k not in {"from_status", "status"}}
    fields = []
    for key, value in sorted(details.items()):
        if value in (None, "", [], {}) or key in _BRAND_HIDDEN:
            continue
        if key == "source":
            shown = _SOURCES.get(str(value), str(value))
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        elif key in _MONEY and isinstance(value, int):
            shown = minor(value, currency)
        else:
            shown = _value(value)
        fields.append((key.removesuffix("_minor").replace("_", " "), shown))
    return Line(line.occurred_at, BRAND_TOPICS.get(line.topic, line.topic), change, fields)
