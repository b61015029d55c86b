"""Claims: preview and start at the counter, attach evidence, verify proof, move through review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers, normalize
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models import Claim, EvidenceDocument, Product, Warranty
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_limit import ClaimLimitStatus, claim_limit_status
from warranty_desk.rules.claim_states import OPEN_STATES, ClaimState, evidence_label
from warranty_desk.rules.eligibility import ClaimEligibility, claim_eligibility
from warranty_desk.rules.evidence import missing_evidence, type_refusal
from warranty_desk.services import audit, numbers, outbox
from warranty_desk.services.brand_claims import lodge_for_claim
from warranty_desk.services.claim_common import (
    CHANNELS,
    CLAIM_TYPES,
    Override,
    add_event,
    check_override,
    claim_payload,
    load_claim,
    move,
    notify,
    transition_context,
)
from warranty_desk.services.customers import CustomerInput, find_or_create
from warranty_desk.services.shop_time import shop_today, shop_zone
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.services.warranty_layers import coverage_of
from warranty_desk.storage.database import clock_of
from warranty_desk.storage.documents import DocumentStore, StoredDocument

# Days the shop promises for an answer when staff do not set a date at drop-off.
DEFAULT_PROMISE_DAYS = 10
# Findings are a few paragraphs; a longer report belongs in an attached document.
MAX_NOTE = 4000


@dataclass(frozen=True, slots=True)
class ClaimPreview:
    """What the start-claim screen shows before anything is written."""

    warranty_code: str
    eligibility: ClaimEligibility
    limit: ClaimLimitStatus
    evidence_required: dict[str, tuple[str, ...]]
    evidence_labels: dict[str, str]
    exclusions: tuple[str, ...]
    open_claim: str | None = None  # a claim still open on the unit blocks a new one


@dataclass(frozen=True, slots=True)
class StartClaim:
    """A claim on a known warranty."""

    warranty_code: str
    fault: str
    channel: str = "counter"
    claim_type: str = "fault"
    accessories: str = ""
    condition: str = ""
    promised_on: date | None = None
    external_ref: str | None = None
    # Who started the claim, as they gave it online, when that may not be the holder (a
    # relative, a new owner): kept beside the claim; the holder stays its customer.
    claimant_name: str = ""
    claimant_phone: str = ""
    # An online return: the outcome the customer asked for (repair, replace, refund).
    preferred_outcome: str | None = None


@dataclass(frozen=True, slots=True)
class StartUnknownSaleClaim:
    """A claim for a sale the system does not know, backed by uploaded proof of purchase."""

    customer: CustomerInput
    product_description: str
    serial: str
    purchased_on: date
    purchased_where: str
    fault: str
    proof_sha256: str
    proof_media_type: str
    proof_size: int
    proof_name: str = "proof of purchase"
    sku: str | None = None
    channel: str = "counter"
    claim_type: str = "fault"
    promised_on: date | None = None
    external_ref: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimSummary:
    """The result of a claim use case."""

    number: str
    state: str
    outcome: str | None
    warranty_code: str | None
    proof_status: str
    missing_evidence: tuple[str, ...] = field(default=())


def _warranty(session: Session, code: str) -> Warranty:
    warranty = session.scalars(
        select(Warranty).where(Warranty.code == code.strip().upper())).first()
    if warranty is None:
        raise NotFound(f"No warranty {code}. Look the unit up by serial or invoice first.")
    return warranty


def _assess(
    session: Session, warranty: Warranty, today: date
) -> tuple[ClaimEligibility, ClaimLimitStatus, str | None]:
    product = session.get_one(Product, warranty.product_id)
    policy = product.policy
    cover = coverage_of(warranty, today)
    earlier = list(session.execute(
        select(Claim.opened_at, Claim.state, Claim.number).where(
            Claim.warranty_id == warranty.id)))
    zone = shop_zone(session)
    limit = claim_limit_status(policy.claim_limit_count, policy.claim_limit_period_months,
                               [row.opened_at.astimezone(zone).date() for row in earlier], today)
    open_number = next((row.number for row in earlier if row.state in OPEN_STATES), None)
    return claim_eligibility(cover, limit, open_number), limit, open_number


def preview_in(uow: UnitOfWork, actor: Actor, warranty_code: str) -> ClaimPreview:
    """Eligibility, claim limit and evidence checklist for a claim on this unit."""
    require(actor, Permission.START_CLAIM)
    session = uow.session
    warranty = _warranty(session, warranty_code)
    eligibility, limit, open_number = _assess(session, warranty, shop_today(session))
    policy = session.get_one(Product, warranty.product_id).policy
    required = {k: tuple(v) for k, v in policy.evidence_required.items()}
    labels = {k: evidence_label(k) for kinds in required.values() for k in kinds}
    return ClaimPreview(warranty.code, eligibility, limit, required, labels,
                        tuple(policy.exclusions), open_number)


preview = reads(preview_in)


def _check_text(fault: str, channel: str, claim_type: str) -> None:
    problems = []
    if len(fault.strip()) < 3:
        problems.append("Describe the fault in the customer's words (a few words at least).")
    if channel not in CHANNELS:
        problems.append(f"Unknown channel {channel!r}: use one of {', '.join(CHANNELS)}.")
    if claim_type not in CLAIM_TYPES:
        problems.append(f"Unknown claim type {claim_type!r}: use one of {', '.join(CLAIM_TYPES)}.")
    if problems:
        raise BadInput(" ".join(problems))


def _new_claim(session: Session, actor: Actor, today: date, **fields: object) -> Claim:
    branch = numbers.branch_code(session)
    number = numbers.claim_number(branch, today.year, numbers.reserve(session, "C", today.year))
    # Whoever opens a claim owns it until a manager says otherwise; a claim pulled from the
    # portal by the command line has no owner yet, and the board shows it as unowned.
    claim = Claim(number=number, opened_by_id=actor.staff_id, assignee_id=actor.staff_id,
                  state=ClaimState.RECEIVED.value, opened_at=clock_of(session).now(), **fields)
    session.add(claim)
    session.flush()
    return claim


def _existing_external(session: Session, external_ref: str | None) -> Claim | None:
    # Claims pulled from the portal carry its id: applying the same inbox item twice is a no-op.
    if not external_ref:
        return None
    return session.scalars(select(Claim).where(Claim.external_ref == external_ref)).first()


def start_claim_in(
    uow: UnitOfWork, actor: Actor, data: StartClaim, *, override: Override | None = None
) -> ClaimSummary:
    """Open a claim on a known warranty, after the eligibility and claim-limit rules."""
    require(actor, Permission.START_CLAIM)
    _check_text(data.fault, data.channel, data.claim_type)
    session = uow.session
    existing = _existing_external(session, data.external_ref)
    if existing is not None:
        return summary_of(session, existing)
    warranty = _warranty(session, data.warranty_code)
    today = shop_today(session)
    eligibility, limit, _open = _assess(session, warranty, today)
    product = session.get_one(Product, warranty.product_id)
    blockers = [] if eligibility.eligible else list(eligibility.reasons)
    if not eligibility.eligible and not eligibility.needs_override:
        raise RuleBlocked(f"A claim on {warranty.code} is not possible: "
                          + " ".join(eligibility.reasons))
    check_override(override, blockers, policy=product.policy,
                   what=f"A claim on {warranty.code}", asked_by=actor)
    claim = _new_claim(
        session, actor, today, warranty_id=warranty.id, customer_id=warranty.customer_id,
        product_id=warranty.product_id, serial=warranty.serial, channel=data.channel,
        claim_type=data.claim_type, fault=card_numbers.masked(data.fault.strip()),
        accessories=card_numbers.masked(data.accessories.strip()),
        condition=card_numbers.masked(data.condition.strip()),
        proof_status="not_needed", external_ref=data.external_ref,
        claimant_name=card_numbers.typed(data.claimant_name)[:200] or None,
        claimant_phone=data.claimant_phone.strip()[:32] or None,
        preferred_outcome=data.preferred_outcome,
        promised_on=data.promised_on or today + timedelta(days=DEFAULT_PROMISE_DAYS))
    add_event(session, claim, actor, "opened", to_state=claim.state,
              reason=f"Opened at the {data.channel.replace('_', ' ')}: {claim.fault}",
              override=override)
    audit.record(session, actor, "claim.open", "claim", claim.number,
                 {"warranty": warranty.code, "channel": data.channel,
                  "limit": limit.message, "override": override.reason if override else None,
                  **({"claimant": claim.claimant_name} if claim.claimant_name else {})})
    outbox.emit(session, "claim.opened", "claim", claim.number,
                claim_payload(claim, warranty=warranty.code))
    notify(session, claim, "claim_received", today=today)
    return summary_of(session, claim)


start_claim = writes(start_claim_in)


def start_unknown_sale_claim_in(
    uow: UnitOfWork, actor: Actor, data: StartUnknownSaleClaim
) -> ClaimSummary:
    """Open a claim for a sale the system does not know; it stays unverified until checked."""
    require(actor, Permission.START_CLAIM)
    _check_text(data.fault, data.channel, data.claim_type)
    if not data.proof_sha256:
        raise BadInput("Attach the customer's proof of purchase (receipt photo or PDF).")
    refusal = type_refusal("proof_of_purchase", data.proof_media_type, data.proof_name)
    if refusal is not None:
        raise BadInput(refusal)
    session = uow.session
    today = shop_today(session)
    if data.purchased_on > today:
        raise BadInput(f"The purchase date {data.purchased_on} is in the future. Check it.")
    existing = _existing_external(session, data.external_ref)
    if existing is not None:
        return summary_of(session, existing)
    branch = numbers.branch_code(session)
    customer, _ = find_or_create(session, data.customer, branch)
    product = None
    if data.sku:
        product = session.scalars(
            select(Product).where(Product.sku == normalize.sku(data.sku))).first()
    claim = _new_claim(
        session, actor, today, warranty_id=None, customer_id=customer.id,
        product_id=product.id if product else None, serial=normalize.serial(data.serial)
        or None, channel=data.channel, claim_type=data.claim_type,
        fault=card_numbers.masked(data.fault.strip()),
        proof_status="unverified", external_ref=data.external_ref,
        claimed_purchase={"product": data.product_description.strip(),
                          "purchased_on": data.purchased_on.isoformat(),
                          "where": data.purchased_where.strip()},
        promised_on=data.promised_on or today + timedelta(days=DEFAULT_PROMISE_DAYS))
    session.add(EvidenceDocument(
        claim_id=claim.id, sha256=data.proof_sha256, kind="proof_of_purchase",
        media_type=data.proof_media_type, size=data.proof_size,
        original_name=data.proof_name[:255], added_by_id=actor.staff_id,
        source=data.channel))
    add_event(session, claim, actor, "opened", to_state=claim.state,
              reason="Opened without a known sale; proof of purchase uploaded, not yet "
                     "verified.")
    audit.record(session, actor, "claim.open_unknown_sale", "claim", claim.number,
                 {"customer": customer.reference, "proof": data.proof_sha256,
                  "claimed_purchase": claim.claimed_purchase})
    outbox.emit(session, "claim.opened", "claim", claim.number,
                claim_payload(claim, warranty=None, proof=data.proof_sha256))
    notify(session, claim, "claim_received", today=today)
    return summary_of(session, claim)


start_unknown_sale_claim = writes(start_unknown_sale_claim_in)


def store_evidence_file(store: DocumentStore, path: Path, kind: str) -> StoredDocument:
    """Keep a file as evidence of this kind; content the kind does not take is never written."""
    name = path.name or str(path)
    return store.put_file(path, refuse=lambda media_type: type_refusal(kind, media_type, name))


def attach_evidence_in(
    uow: UnitOfWork, actor: Actor, number: str, *, kind: str, sha256: str, media_type: str,
    size: int, original_name: str = "", source: str = "counter",
) -> ClaimSummary:
    """Attach a stored document to a claim (the file is already in the document store)."""
    require(actor, Permission.ADD_EVIDENCE)
    if not kind.strip():
        raise BadInput("Say what the document is (for example: photo of the fault).")
    refusal = type_refusal(kind, media_type, original_name)
    if refusal is not None:
        raise BadInput(refusal)
    session = uow.session
    claim = load_claim(session, number)
    duplicate = session.scalars(select(EvidenceDocument.id).where(
        EvidenceDocument.claim_id == claim.id, EvidenceDocument.sha256 == sha256,
        EvidenceDocument.kind == kind)).first()
    if duplicate is None:
        session.add(EvidenceDocument(
            claim_id=claim.id, sha256=sha256, kind=kind, media_type=media_type, size=size,
            original_name=original_name[:255], added_by_id=actor.staff_id, source=source))
        add_event(session, claim, actor, "evidence",
                  reason=f"Added {evidence_label(kind)}"
                         + (f" ({original_name})" if original_name else ""))
        audit.record(session, actor, "claim.evidence", "claim", claim.number,
                     {"kind": kind, "sha256": sha256, "size": size})
        outbox.emit(session, "claim.evidence_added", "claim", claim.number,
                    {"number": claim.number, "kind": kind, "sha256": sha256,
                     "media_type": media_type, "size": size})
    session.flush()
    return summary_of(session, claim)


attach_evidence = writes(attach_evidence_in)


def verify_proof_in(
    uow: UnitOfWork, actor: Actor, number: str, *, accepted: bool, note: str
) -> ClaimSummary:
    """Record that someone checked the uploaded proof of purchase, and what they found."""
    require(actor, Permission.VERIFY_PROOF)
    note = card_numbers.typed(note)
    if len(note) < 3:
        raise BadInput("Write what you checked on the proof (shop, date, product).")
    session = uow.session
    claim = load_claim(session, number)
    if claim.proof_status != "unverified":
        raise RuleBlocked(f"Claim {claim.number} has no proof waiting to be verified.")
    claim.proof_status = "verified" if accepted else "rejected"
    add_event(session, claim, actor, "proof",
              reason=("Proof of purchase verified: " if accepted
                      else "Proof of purchase not accepted: ") + note.strip())
    audit.record(session, actor, "claim.proof", "claim", claim.number,
                 {"accepted": accepted, "note": note.strip()})
    outbox.emit(session, "claim.proof_checked", "claim", claim.number,
                claim_payload(claim, proof_status=claim.proof_status))
    return summary_of(session, claim)


verify_proof = writes(verify_proof_in)


def advance_in(
    uow: UnitOfWork, actor: Actor, number: str, target: ClaimState, *, reason: str = "",
    override: Override | None = None,
) -> ClaimSummary:
    """Move a claim to review, inspection, repair or the manufacturer (not a decision)."""
    require(actor, Permission.ADVANCE_CLAIM)
    if target in (ClaimState.RESOLVED, ClaimState.REJECTED):
        raise BadInput("Resolving or rejecting a claim is a decision: use decide.")
    session = uow.session
    claim = load_claim(session, number)
    move(session, claim, actor, target, reason=card_numbers.typed(reason), override=override,
         outcome=None, today=shop_today(session))
    if target is ClaimState.AT_MANUFACTURER and claim.product_id is not None:
        # Sending to the manufacturer is claiming from it: the claim goes in a brand claim,
        # where the desk adds the brand's id, its statuses and what it pays back.
        lodge_for_claim(session, actor, claim)
    return summary_of(session, claim)


advance = writes(advance_in)


def add_note_in(uow: UnitOfWork, actor: Actor, number: str, note: str) -> ClaimSummary:
    """The technician's findings on the unit, on the claim's timeline and to head office."""
    require(actor, Permission.RECORD_WORK)
    text = card_numbers.masked(note.strip())
    if len(text) < 3:
        raise BadInput("Write what you found on the unit (a few words at least).")
    if len(text) > MAX_NOTE:
        raise BadInput(f"The findings are {len(text):,} characters long; keep them under "
                       f"{MAX_NOTE:,} and attach a longer report as a document.")
    session = uow.session
    claim = load_claim(session, number)
    add_event(session, claim, actor, "note", reason=text)
    audit.record(session, actor, "claim.note", "claim", claim.number, {"note": text})
    outbox.emit(session, "claim.note_added", "claim", claim.number,
                {"number": claim.number, "note": text, "by": actor.name})
    return summary_of(session, claim)


add_note = writes(add_note_in)


def summary_of(session: Session, claim: Claim) -> ClaimSummary:
    """What a claim use case returns: state, outcome and the evidence still missing."""
    code = None
    if claim.warranty_id is not None:
        code = session.execute(select(Warranty.code).where(
            Warranty.id == claim.warranty_id)).scalar()
    ctx = transition_context(session, claim, None)
    missing = missing_evidence(ctx.required_evidence, claim.claim_type, ctx.attached_evidence)
    return ClaimSummary(claim.number, claim.state, claim.outcome, code, claim.proof_status,
                        tuple(missing))
