"""Handing a claim's unit back to the customer: checked by scan, confirmed by signature or paper."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers, normalize
from warranty_desk.errors import BadInput, RuleBlocked
from warranty_desk.models import Claim, HandBack
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.services import audit, numbers, outbox
from warranty_desk.services.claim_common import add_event, load_claim
from warranty_desk.services.returns import (
    hand_over_replacement,
    move_unit,
    positions,
    replacement_handed_over,
    unit_names,
)
from warranty_desk.services.shop_time import shop_today, shop_zone
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import clock_of

# A signature is a few strokes in black on white: a small PNG says it; anything bigger is not
# a signature pad's picture, and it would swell the ledger and every backup.
MAX_SIGNATURE_BYTES = 64 * 1024
MAX_SIGNATURE_SIDE = 2000
_PNG = b"\x89PNG\r\n\x1a\n"
# How people write a list of accessories at the counter: "Charger, case and box".
_LIST_SPLIT = re.compile(r"\s*(?:,|;|/|\n|\band\b|\+|&)\s*", re.IGNORECASE)
_WAYS = {"unit": "the unit", "replacement": "the replacement"}


@dataclass(frozen=True, slots=True)
class HandBackDue:
    """What the counter needs to hand a claim's unit back: whose, which, with what."""

    claim_number: str
    unit: str  # unit | replacement
    outcome: str  # repair | replace | reject, in the claim's words
    product_name: str
    customer_name: str | None
    intake_accessories: tuple[str, ...]
    intake_condition: str


@dataclass(frozen=True, slots=True)
class HandBackRequest:
    """The person at the counter's hand-back, as they entered it."""

    claim_number: str
    serial: str  # as scanned
    accessories: tuple[str, ...] = ()  # ticked among what was taken in at intake
    condition: str = ""
    collector: str = ""  # "" when the customer on file collects
    collector_proof: str = ""  # how someone collecting for the customer proved it
    signature_png: bytes | None = None
    signed_on_paper: bool = False


@dataclass(frozen=True, slots=True)
class HandBackRecord:
    """A hand-back as the receipt and the claim screen show it."""

    number: str
    claim_number: str
    unit: str
    serial: str | None
    product_name: str
    customer_name: str | None
    accessories: tuple[str, ...]
    accessories_missing: tuple[str, ...]
    condition: str
    handed_by: str
    collected_by: str
    on_behalf_proof: str  # "" when the customer on file collected
    at: datetime  # UTC
    confirmation: str  # signature | paper
    signature_png: bytes | None


def intake_accessories(text: str) -> tuple[str, ...]:
    """The accessories written at intake as a list to tick: "Charger, case" -> (Charger, case)."""
    seen: dict[str, str] = {}
    for part in _LIST_SPLIT.split(text.strip()):
        word = part.strip(" .")
        if word and word.casefold() not in seen and word.casefold() not in ("none", "unit only"):
            seen[word.casefold()] = word
    return tuple(seen.values())


def _earlier(session: Session, claim: Claim) -> str | None:
    """Words saying when and to whom the claim's unit already went back, if it did."""
    zone = shop_zone(session)
    row = session.scalars(select(HandBack).where(HandBack.claim_id == claim.id)).first()
    if row is not None:
        return (f"The unit of claim {claim.number} was already handed back on "
                f"{row.at.astimezone(zone):%Y-%m-%d at %H:%M} by {row.staff_name} to "
                f"{row.collected_by} (receipt {row.number}). Reprint that receipt if it is "
                "needed again.")
    return replacement_handed_over(session, claim)


def unit_due(session: Session, claim: Claim) -> str:
    """Which unit the shop holds for this claim's customer ("unit" or "replacement"), or
    RuleBlocked saying in plain words why there is nothing to hand back."""
    already = _earlier(session, claim)
    if already is not None:
        raise RuleBlocked(already, overridable=False)
    if claim.state in OPEN_STATES:
        raise RuleBlocked(
            f"Claim {claim.number} is still open ({claim.state.replace('_', ' ')}): its unit goes "
            "back once the claim is decided (repaired, replaced or rejected).", overridable=False)
    if claim.outcome == "refund":
        raise RuleBlocked(f"Claim {claim.number} was refunded: the unit stays with the shop, so "
                          "there is nothing to hand back.", overridable=False)
    if claim.outcome == "replace":
        if claim.replacement_serial is None:
            raise RuleBlocked(f"Claim {claim.number} names no replacement unit yet. Ask a "
                              "manager to record the replacement's serial.", overridable=False)
        return "replacement"
    where = positions(session, [claim.id]).get(claim.id)
    if where is not None and where.last_kind == "to_supplier":
        raise RuleBlocked(
            f"The unit of claim {claim.number} is with the supplier ({where.reference}), not in "
            "the shop. Scan it back in at the returns desk when it comes back.",
            overridable=False)
    if where is not None and where.last_kind == "scrap":
        raise RuleBlocked(f"The unit of claim {claim.number} was scrapped: there is nothing "
                          "to hand back.", overridable=False)
    if where is None and claim.channel != "counter":
        raise RuleBlocked(
            f"The shop does not hold the unit of claim {claim.number}: the claim came in by "
            f"{claim.channel.replace('_', ' ')} and the unit was never received at the returns "
            "desk.", overridable=False)
    return "unit"


def due_in(uow: UnitOfWork, actor: Actor, claim_number: str) -> HandBackDue:
    """What is to be handed back on this claim, or RuleBlocked saying why nothing is."""
    require(actor, Permission.HAND_BACK)
    session = uow.session
    claim = load_claim(session, claim_number)
    unit = unit_due(session, claim)
    product, customer = unit_names(session, claim)
    return HandBackDue(claim.number, unit, claim.outcome or "reject", product, customer,
                       intake_accessories(claim.accessories), claim.condition)


due = reads(due_in)


def _checked_serial(claim: Claim, unit: str, scanned: str) -> str | None:
    serial = normalize.serial(scanned)
    expected = claim.replacement_serial if unit == "replacement" else claim.serial
    if expected is None:
        # No serial on record to check against: what was scanned, if anything, is recorded.
        return serial or None
    if not serial:
        what = "replacement unit" if unit == "replacement" else "unit"
        raise BadInput(f"Scan the serial of the {what} you are handing back, so the records "
                       "show it was the right one.")
    if serial == expected:
        return serial
    if unit == "replacement" and serial == claim.serial:
        raise BadInput(f"{serial} is the faulty unit of claim {claim.number}, which stays with "
                       f"the shop. Scan the replacement unit you are handing over.")
    which = "replacement recorded on" if unit == "replacement" else "unit of"
    raise BadInput(f"The scanned serial {serial} is not the {which} claim {claim.number}. Check "
                   "you picked up the right unit, then scan its serial again.")


def _checked_accessories(claim: Claim, ticked: tuple[str, ...]) -> tuple[list[str], list[str]]:
    taken = intake_accessories(claim.accessories)
    known = {a.casefold(): a for a in taken}
    handed: list[str] = []
    for item in ticked:
        name = known.get(item.strip().casefold())
        if name is None:
            raise BadInput(f"{item.strip()!r} was not taken in with claim {claim.number}'s unit "
                           f"(taken in: {', '.join(taken) or 'the unit only'}). Tick only those.")
        if name not in handed:
            handed.append(name)
    return handed, [a for a in taken if a not in handed]


def _checked_signature(png: bytes) -> bytes:
    if not png.startswith(_PNG) or len(png) < 24:
        raise BadInput("The signature could not be read as a picture. Ask the customer to sign "
                       "again, or choose a signed paper receipt.")
    if len(png) > MAX_SIGNATURE_BYTES:
        raise BadInput(f"The signature picture is {len(png) // 1024} KB; a signature is at most "
                       f"{MAX_SIGNATURE_BYTES // 1024} KB. Clear it and sign again.")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    if not (0 < width <= MAX_SIGNATURE_SIDE and 0 < height <= MAX_SIGNATURE_SIDE):
        raise BadInput(f"The signature picture is {width}x{height} pixels; it should fit in "
                       f"{MAX_SIGNATURE_SIDE}x{MAX_SIGNATURE_SIDE}. Clear it and sign again.")
    return png


def _collector(customer: str | None, request: HandBackRequest) -> tuple[str, str]:
    named = card_numbers.masked(" ".join(request.collector.split()))
    if not named or (customer is not None and named.casefold() == customer.casefold()):
        if customer is None:
            raise BadInput("This claim has no customer on file: write the name of the person "
                           "collecting the unit, and how they proved it is theirs.")
        return customer, ""
    proof = audit.kept_words(
        request.collector_proof,
        f"{named} is collecting for {customer or 'the owner'}: write how they proved they may "
        "(for example 'ID shown and the claim ticket', 'owner phoned to confirm').")
    return named, proof


def _record_view(row: HandBack, claim: Claim, product: str, customer: str | None
                 ) -> HandBackRecord:
    return HandBackRecord(
        row.number, claim.number, row.unit, row.serial, product, customer,
        tuple(row.accessories), tuple(row.accessories_missing), row.condition, row.staff_name,
        row.collected_by, row.on_behalf_proof, row.at, row.confirmation, row.signature_png)


def hand_back_in(uow: UnitOfWork, actor: Actor, request: HandBackRequest) -> HandBackRecord:
    """Give the claim's unit (or its replacement) back, checked by scan, with the customer's
    confirmation; the record, timeline line, audit entry and event go in one transaction."""
    require(actor, Permission.HAND_BACK)
    session = uow.session
    claim = load_claim(session, request.claim_number)
    unit = unit_due(session, claim)
    serial = _checked_serial(claim, unit, request.serial)
    handed, missing = _checked_accessories(claim, request.accessories)
    condition = audit.kept_words(
        request.condition, "Say the unit's condition as it goes back (for example 'as received, "
        "screen intact'): it settles any dispute later.")
    product, customer = unit_names(session, claim)
    collector, proof = _collector(customer, request)
    if (request.signature_png is None) == (not request.signed_on_paper):
        raise BadInput("Choose how the customer confirms: sign on the screen, or sign the "
                       "printed receipt on paper (one of the two).")
    signature = (_checked_signature(request.signature_png)
                 if request.signature_png is not None else None)
    year = shop_today(session).year
    number = (f"{numbers.branch_code(session)}-HB-{year}-"
              f"{numbers.reserve(session, 'HB', year):06d}")
    row = HandBack(claim_id=claim.id, number=number, unit=unit, serial=serial,
                   accessories=handed, accessories_missing=missing, condition=condition,
                   staff_id=actor.staff_id, staff_name=actor.name, collected_by=collector,
                   on_behalf_proof=proof, at=clock_of(session).now(),
                   confirmation="signature" if signature is not None else "paper",
                   signature_png=signature)
    session.add(row)
    how = "signed on screen" if signature is not None else "signed receipt kept on paper"
    reason = (f"{'Replacement unit' if unit == 'replacement' else 'Unit'} {serial or ''} handed "
              f"back to {collector} by {actor.name} (receipt {number}, {how}).").replace("  ", " ")
    if unit == "replacement":
        assert serial is not None  # a replacement always has its serial on record
        hand_over_replacement(session, claim, actor, serial, reason=reason)
    else:
        where = positions(session, [claim.id]).get(claim.id)
        if where is not None and where.last_kind in ("return_in", "back_from_supplier"):
            move_unit(session, claim, actor, "handed_back", number)
        add_event(session, claim, actor, "handed_back", reason=reason)
    details: dict[str, object] = {
        "number": claim.number, "receipt": number, "unit": unit, "serial": serial,
        "accessories": handed, "accessories_missing": missing, "condition": condition,
        "handed_by": actor.name, "collected_by": collector, "on_behalf": bool(proof),
        "confirmation": row.confirmation, "at": row.at.isoformat()}
    if proof:
        details["on_behalf_proof"] = proof
    if signature is not None:
        details["signature_sha256"] = hashlib.sha256(signature).hexdigest()
    audit.record(session, actor, "claim.hand_back", "claim", claim.number, details)
    outbox.emit(session, "claim.handed_back", "claim", claim.number, details)
    session.flush()
    return _record_view(row, claim, product, customer)


hand_back = writes(hand_back_in)


def record_in(uow: UnitOfWork, actor: Actor, claim_number: str) -> HandBackRecord | None:
    """The claim's hand-back, if its unit went back (anyone at the shop may read it)."""
    require(actor, Permission.LOOKUP)
    session = uow.session
    claim = load_claim(session, claim_number)
    row = session.scalars(select(HandBack).where(HandBack.claim_id == claim.id)).first()
    if row is None:
        return None
    product, customer = unit_names(session, claim)
    return _record_view(row, claim, product, customer)


record = reads(record_in)


def way_words(unit: str) -> str:
    """"the unit" or "the replacement", for notices."""
    return _WAYS.get(unit, unit)
