"""The brand's word on a brand claim, passed on by head office (a brand_status inbox item): a
status, the brand's own claim id, its report and a settlement proposal, each kept with who
entered it at head office and from where."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from warranty_desk.errors import BadInput
from warranty_desk.models import BrandClaim, BrandClaimItem, BrandStatusUpdate, Claim
from warranty_desk.rules.brand_status import BRAND_STATUSES, brand_status_words
from warranty_desk.services import audit, brand_claim_events, claims
from warranty_desk.services.brand_claim_views import claims_of
from warranty_desk.services.brand_claims import MAX_NOTE, apply_status, change_details
from warranty_desk.services.claim_common import add_event
from warranty_desk.services.inbox_item import Refused, read_hashes, read_text, shorten
from warranty_desk.services.shop_locale import money_of
from warranty_desk.storage.database import clock_of

if TYPE_CHECKING:
    from warranty_desk.services.inbox_kinds import ItemContext

# A supplier's report is filed on each claim as what it is: the service centre's findings.
REPORT_KIND = "technician_report"


@dataclass(frozen=True, slots=True)
class Proposal:
    """What the brand proposes to pay; the branch's finance person decides."""

    amount_minor: int
    reference: str
    note: str


def report_hash(payload: Mapping[str, Any]) -> list[str]:
    """The report's document hash an item names, for fetching before its transaction."""
    document = payload.get("document")
    return read_hashes([document.get("sha256")]) if isinstance(document, Mapping) else []


def _report(payload: Mapping[str, Any]) -> tuple[str, str] | None:
    document = payload.get("document")
    if document is None:
        return None
    if not isinstance(document, Mapping):
        raise Refused("the report is not a document reference; ask head office to check the "
                      "item")
    return (read_hashes([document.get("sha256")])[0],
            read_text(document, "name", required=True, limit=255))


def _proposal(payload: Mapping[str, Any]) -> Proposal | None:
    raw = payload.get("proposal")
    if raw is None:
        return None
    amount = raw.get("amount_minor") if isinstance(raw, Mapping) else None
    if not isinstance(raw, Mapping) or type(amount) is not int or amount < 1:
        raise Refused("the settlement proposal has no whole amount above nothing; ask head "
                      "office to check the item")
    return Proposal(amount, read_text(raw, "reference", limit=64),
                    read_text(raw, "note", limit=MAX_NOTE))


def _brand_claim_for(ctx: ItemContext, number: str, external_id: str) -> BrandClaim:
    """The brand claim an update names: by the branch's brand claim number, by the brand's own
    claim id, or by a customer claim that is in exactly one brand claim."""
    session = ctx.session
    key = number.strip().upper()
    row = session.scalars(select(BrandClaim).where(BrandClaim.number == key)).first()
    if row is not None:
        return row
    claim = session.scalars(select(Claim).where(Claim.number == key)).first()
    found = list(session.scalars(select(BrandClaim).where(BrandClaim.external_id == external_id))
                 ) if external_id else []
    if claim is not None:
        holding = list(session.scalars(
            select(BrandClaim).join(BrandClaimItem, BrandClaimItem.brand_claim_id == BrandClaim.id)
            .where(BrandClaimItem.claim_id == claim.id)))
        found = [b for b in holding if b in found] if external_id else holding
        if len(found) > 1:
            found = [b for b in found if b.closed_at is None] or found[-1:]
    if len(found) == 1:
        return found[0]
    which = (f"the brand's claim id {external_id}" if external_id else "no brand's claim id")
    if claim is None and not found:
        raise Refused(f"no brand claim or claim {number} is at this branch ({which}); check it "
                      "at the returns desk under Brand claims, and ask head office which "
                      "branch holds it")
    raise Refused(f"claim {key} is in {len(found) or 'no'} brand claims matching {which}; "
                  "enter the brand's status at the returns desk under Brand claims, and tell "
                  "head office the brand claim's number")


def brand_status(ctx: ItemContext) -> str:
    """Apply what the item carries, in that order: claim id, status, report, proposal."""
    p = ctx.item.payload
    number = read_text(p, "claim_number", required=True, limit=64)
    status = read_text(p, "status", limit=40)
    if status and brand_status_words(status) is None:
        raise Refused(f"head office sent the brand status {status!r}, which this till does not "
                      f"know (it knows {', '.join(BRAND_STATUSES)}); enter the brand's status "
                      "at the returns desk under Brand claims, and tell head office")
    new_id = read_text(p, "set_brand_claim_id", limit=64)
    report, proposal = _report(p), _proposal(p)
    if not (status or new_id or report or proposal):
        raise Refused("head office sent a brand status update with no status, claim id, report "
                      "or proposal in it; ask head office to check the item")
    entered_by = read_text(p, "entered_by", limit=300)
    entered_at = read_text(p, "entered_at", limit=40)
    row = _brand_claim_for(ctx, number, read_text(p, "brand_claim_id", limit=64))
    # A report not downloaded yet holds the whole item back: nothing of it is applied twice.
    stored = ctx.document(report[0]) if report else None
    origin = ", ".join(part for part in (entered_by, f"entered {entered_at}" if entered_at
                                         else "", f"inbox item {ctx.item.id}") if part)
    shown = row.number or row.external_id or number
    done: list[str] = []
    if new_id:
        try:
            changed = change_details(ctx.session, ctx.actor, row, external_id=new_id,
                                     origin=origin, inbox_item=ctx.item.id)
        except BadInput:
            # Said without the other brand claim: head office shows the reason to the
            # supplier's contact, who may not learn of another supplier's claims.
            raise Refused(f"the brand's claim id {new_id} is on another brand claim at this "
                          "branch already; check the id with the brand, or enter it at the "
                          "returns desk under Brand claims") from None
        done.append(f"brand's claim id {'set to' if changed else 'already'} {new_id}")
    if status:
        changed = apply_status(ctx.session, ctx.actor, row, status, source="head_office",
                               origin=origin,
                               note=shorten(read_text(p, "note"), MAX_NOTE),
                               inbox_item=ctx.item.id)
        done.append(status if changed else f"already {status}; nothing changed")
    if report and stored is not None:
        done.append(_file_report(ctx, row, stored.sha256, stored.media_type, stored.size,
                                 report[1], entered_by, origin))
    if proposal:
        done.append(_record_proposal(ctx, row, proposal, entered_by, origin))
    return f"brand claim {shown}: " + "; ".join(done)


def _file_report(ctx: ItemContext, row: BrandClaim, sha256: str, media_type: str, size: int,
                 name: str, entered_by: str, origin: str) -> str:
    numbers = [c.number for c in claims_of(ctx.session, [row.id]).get(row.id, [])]
    for number in numbers:
        claims.attach_evidence_in(ctx.uow, ctx.actor, number, kind=REPORT_KIND, sha256=sha256,
                                  media_type=media_type, size=size, original_name=name,
                                  source="portal")
    audit.record(ctx.session, ctx.actor, "brand_claim.report", "brand_claim",
                 row.number or row.id, {"sha256": sha256, "name": name, "origin": origin,
                                        "claims": numbers})
    brand_claim_events.emit(ctx.session, "brand_claim.report_added", row, sha256=sha256,
                            name=name, entered_by=entered_by, inbox_item=ctx.item.id)
    return f"the brand's report {name} on {len(numbers)} claims"


def _record_proposal(ctx: ItemContext, row: BrandClaim, proposal: Proposal, entered_by: str,
                     origin: str) -> str:
    # Kept as a line of the brand claim's history, where finance reads the brand's word; the
    # status stays as it is, and no amount moves until finance records a settlement.
    session = ctx.session
    amount = money_of(session).people(proposal.amount_minor)
    said = (f"The brand proposes to settle {amount}"
            + (f" (their reference {proposal.reference})" if proposal.reference else "")
            + (f": {proposal.note}" if proposal.note else "")
            + ". Record a settlement once the money or credit note comes.")
    session.add(BrandStatusUpdate(
        brand_claim_id=row.id, status=row.external_status, from_status=row.external_status,
        source="head_office", entered_by=ctx.actor.name, staff_id=ctx.actor.staff_id,
        origin=origin[:300], note=said, at=clock_of(session).now()))
    for claim in claims_of(session, [row.id]).get(row.id, []):
        add_event(session, claim, ctx.actor, "brand", reason=shorten(said, 1000))
    audit.record(session, ctx.actor, "brand_claim.proposal", "brand_claim", row.number or row.id,
                 {"amount_minor": proposal.amount_minor, "reference": proposal.reference,
                  "note": proposal.note, "origin": origin})
    brand_claim_events.emit(session, "brand_claim.proposal_received", row,
                            amount_minor=proposal.amount_minor, reference=proposal.reference,
                            note=proposal.note, entered_by=entered_by, inbox_item=ctx.item.id)
    return f"settlement proposal of {amount} for finance"
