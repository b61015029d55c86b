"""The demo story's claims: each told through the claim services, one step a day."""

from __future__ import annotations

from datetime import timedelta

from warranty_desk.demo import catalogue
from warranty_desk.demo.claim_words import MOVE_REASONS
from warranty_desk.demo.files import pdf_bytes
from warranty_desk.demo.story_plans import UNKNOWN_SALE_DAYS_AGO, ClaimPlan
from warranty_desk.demo.story_state import StoryShop, random_serial
from warranty_desk.permissions import Actor, Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import claim_owners, claims, decisions, staff
from warranty_desk.services.claim_common import Override
from warranty_desk.services.customers import CustomerInput


def _opener(shop: StoryShop, channel: str) -> Actor:
    if channel == "portal":
        return Actor.system("customer portal")
    return shop.people[Role.SUPPORT if channel in ("phone", "online_order") else Role.SALES]


def _final_decision(shop: StoryShop, plan: ClaimPlan, serial: str | None) -> decisions.Decision:
    decision = plan.decision
    assert decision is not None
    if decision.outcome is Outcome.REPLACE:
        prefix = next(p.serial_prefix for p in catalogue.PRODUCTS
                      if p.serial_prefix and serial and serial.startswith(p.serial_prefix))
        return decisions.Decision(decision.outcome, decision.reason,
                                  replacement_serial=random_serial(shop.rng, prefix,
                                                                   shop.serials))
    if decision.outcome is Outcome.REFUND:
        # The full price this customer paid, which a discount may have lowered.
        return decisions.Decision(decision.outcome, decision.reason,
                                  refund_minor=shop.prices[plan.sale],
                                  refund_reference=decision.refund_reference)
    return decision


def _give_owner(shop: StoryShop, number: str) -> None:
    """A claim a customer started online has nobody behind it yet: the manager gives it to
    support, and stands in as the backup."""
    people = shop.people
    claim_owners.set_owners(shop.db, people[Role.MANAGER], number, people[Role.SUPPORT].name,
                            people[Role.MANAGER].name)


def tell(shop: StoryShop, plan: ClaimPlan) -> str:
    """One claim's life through the services, each step on its own day."""
    people, tl = shop.people, shop.timeline
    code, serial = shop.units[plan.sale]
    steps = 1 + len(plan.evidence) + len(plan.moves) + len(plan.notes) + len(plan.costs) + (
        1 if plan.decision else 0)
    start = shop.moment(plan.days_ago, shop.rng.randrange(6 * 60))
    # Open claims stop before today; closed ones take their span of days.
    days = min(plan.span_days, max(plan.days_ago - 1, 0))
    # Whole minutes, so the stored times read cleanly on the claim's timeline.
    gap = timedelta(minutes=(days * 24 * 60 or 120) // max(steps - 1, 1))
    moments = iter([start + gap * n for n in range(steps)])
    opener = _opener(shop, plan.channel)
    override = None
    if plan.override_reason:
        # The manager types their PIN at the counter, exactly as the override screen asks.
        manager = staff.verify_override(shop.db, "Maria Manager", "5555")
        override = Override(manager, plan.override_reason)
    tl.at(next(moments))
    number = claims.start_claim(shop.db, opener, claims.StartClaim(
        code, plan.fault, channel=plan.channel, claim_type=plan.claim_type,
        accessories="Charger" if plan.sale in ("repair", "reviewing") else "",
        condition="Light scratches on the back" if plan.sale == "repair" else "Good"),
        override=override).number
    if opener.staff_id is None:
        _give_owner(shop, number)
    for kind in plan.evidence:
        document = shop.evidence(kind, f"Claim {number}, warranty {code}, serial {serial}")
        tl.at(next(moments))
        extension = "png" if document.media_type == "image/png" else "pdf"
        claims.attach_evidence(
            shop.db, opener, number, kind=kind, sha256=document.sha256,
            media_type=document.media_type, size=document.size,
            original_name=f"{kind.replace('_', '-')}-{shop.documents}.{extension}",
            source="portal" if plan.channel == "portal" else "counter")
    for target in plan.moves:
        mover = people[Role.SUPPORT if target is ClaimState.REVIEWING else Role.TECHNICIAN]
        tl.at(next(moments))
        claims.advance(shop.db, mover, number, target, reason=MOVE_REASONS[target])
    for note in plan.notes:
        tl.at(next(moments))
        claims.add_note(shop.db, people[Role.TECHNICIAN], number, note)
    for cost in plan.costs:
        tl.at(next(moments))
        decisions.post_cost(shop.db, people[Role.FINANCE], number, cost)
    if plan.decision is not None:
        when = next(moments)
        tl.at(when)
        decisions.decide(shop.db, people[Role.MANAGER], number,
                         _final_decision(shop, plan, serial))
        tl.closed.append((number, when))
    tl.flush()
    return number


def unknown_sale_claim(shop: StoryShop) -> str:
    """The claim a customer opens online for a unit bought elsewhere, with their receipt."""
    rng = shop.rng
    proof = shop.store.put(pdf_bytes("Receipt - Gadget Warehouse Online", (
        "Order GW-118204", "Orbit X Phone, 1 x 479.00", "Paid by card")))
    serial = random_serial(rng, "ORBX1", shop.serials)
    when = shop.moment(UNKNOWN_SALE_DAYS_AGO, rng.randrange(6 * 60))
    shop.timeline.at(when)
    number = claims.start_unknown_sale_claim(
        shop.db, Actor.system("customer portal"), claims.StartUnknownSaleClaim(
            customer=CustomerInput("Grace Okafor", phone="+44 7700 900999",
                                   email="grace.okafor@example.net"),
            product_description="Orbit X Phone", serial=serial,
            purchased_on=shop.today - timedelta(days=140),
            purchased_where="Gadget Warehouse (online marketplace)",
            fault="Camera shows a black image", proof_sha256=proof.sha256,
            proof_media_type=proof.media_type, proof_size=proof.size,
            proof_name="gadget-warehouse-receipt.pdf", sku="ORB-X-PHN", channel="portal"),
        ).number
    _give_owner(shop, number)
    shop.timeline.flush()
    return number

