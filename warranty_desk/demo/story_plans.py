"""The demo shop's story as data: the units sold at known ages and what happens to their claims."""

from __future__ import annotations

from dataclasses import dataclass

from warranty_desk.demo.catalogue import CARE_PLUS
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import decisions


@dataclass(frozen=True, slots=True)
class SalePlan:
    """One sale of the story: its key, how long ago, what was sold and any extension."""

    key: str
    days_ago: int
    sku: str
    quantity: int = 1
    extension: str | None = None
    extra: tuple[tuple[str, int], ...] = ()


# Units the claim stories and the sample lookups need, at known ages; the rest is random.
FIXED_SALES: tuple[SalePlan, ...] = (
    SalePlan("received", 80, "ORB-X-PHN"),
    SalePlan("reviewing", 200, "LUM-14-LT", extra=(("LUM-USBC-2M", 1),)),
    SalePlan("inspecting", 400, "VIS-55-TV"),
    SalePlan("repairing", 150, "PUL-NC7"),
    SalePlan("at_manufacturer", 120, "LUM-16-PRO", extension=CARE_PLUS),
    SalePlan("repair", 300, "ORB-XM-PHN"),
    SalePlan("replace", 90, "KET-17-KTL"),
    SalePlan("refund", 60, "PUL-A5-PHN"),
    SalePlan("rejected", 250, "ORB-X-PHN", extra=(("ORB-CHG-30W", 1),)),
    SalePlan("rejected_early", 180, "VIS-65-OLED"),
    SalePlan("limit", 330, "LUM-14-LT"),
    SalePlan("void", 40, "LUM-14-LT"),
    SalePlan("expired", 800, "ORB-X-PHN"),
    SalePlan("in_cover_tv", 20, "VIS-65-OLED", extension=CARE_PLUS),
    SalePlan("in_cover_laptop", 60, "LUM-16-PRO"),
    SalePlan("in_cover_audio", 15, "PUL-NC7"),
)
RANDOM_SALES = 24
SEGMENTS = ("retail",) * 14 + ("vip",) * 3 + ("business",) * 3 + ("reseller",) * 2


@dataclass(frozen=True, slots=True)
class ClaimPlan:
    """One claim of the story: on which sale, when, and every step it takes."""

    sale: str
    days_ago: int
    span_days: int
    channel: str
    fault: str
    evidence: tuple[str, ...] = ()
    moves: tuple[ClaimState, ...] = ()
    notes: tuple[str, ...] = ()
    costs: tuple[decisions.CostLine, ...] = ()
    decision: decisions.Decision | None = None
    claim_type: str = "fault"
    override_reason: str | None = None


_S = ClaimState
UNKNOWN_SALE_DAYS_AGO = 4
_TO_INSPECTION = (_S.REVIEWING, _S.INSPECTING)
_FULL = ("proof_of_purchase", "photo_of_fault")

# In the order they were opened, so claim numbers rise with the opening date.
CLAIMS: tuple[ClaimPlan, ...] = (
    ClaimPlan("limit", 200, 3, "counter", "Fan is loud even when idle", _FULL, (_S.REVIEWING,),
               decision=decisions.Decision(
                   Outcome.REJECT, "We found no fault after a full day of testing: the fan "
                   "noise is within the normal range for this model.")),
    ClaimPlan("limit", 100, 6, "counter", "Fan rattles and the laptop gets hot", _FULL,
               (*_TO_INSPECTION, _S.REPAIRING), ("Fan bearing worn; replacement fan fitted.",),
               decision=decisions.Decision(
                   Outcome.REPAIR, "Cooling fan replaced under warranty.",
                   costs=(decisions.CostLine("parts", 2_900, "Cooling fan", recoverable=True),
                          decisions.CostLine("labour", 3_500, "45 minutes bench time")))),
    ClaimPlan("rejected", 60, 5, "phone", "Speaker crackles on calls", _FULL, _TO_INSPECTION,
               ("Liquid indicator under the SIM tray is red; corrosion on the speaker.",),
               decision=decisions.Decision(
                   Outcome.REJECT, "The phone has liquid damage: the water indicator inside is "
                   "red. Liquid damage is not covered by the warranty.")),
    ClaimPlan("repair", 40, 7, "counter", "Will not charge", _FULL,
               (*_TO_INSPECTION, _S.REPAIRING), ("Charging port full of debris and loose.",),
               decision=decisions.Decision(
                   Outcome.REPAIR, "Charging port replaced and tested.",
                   costs=(decisions.CostLine("parts", 1_900, "Charging port flex",
                                             recoverable=True),
                          decisions.CostLine("labour", 2_500, "30 minutes bench time")))),
    ClaimPlan("replace", 30, 2, "counter", "Does not heat", ("proof_of_purchase",),
               _TO_INSPECTION, ("Heating element open circuit; not economical to repair.",),
               decision=decisions.Decision(
                   Outcome.REPLACE, "Heating element failed; replaced with a new kettle.",
                   replacement_serial="")),
    ClaimPlan("refund", 25, 3, "online_order", "Restarts on its own every few minutes",
               ("proof_of_purchase",), _TO_INSPECTION, claim_type="dead_on_arrival",
               decision=decisions.Decision(
                   Outcome.REFUND, "Faulty from new and no replacement in stock; refunded in "
                   "full.", refund_minor=19_900, refund_reference="POS-R-004512")),
    ClaimPlan("rejected_early", 14, 1, "counter", "Screen is cracked across the middle",
               ("damage_photos",), claim_type="cosmetic",
               decision=decisions.Decision(
                   Outcome.REJECT, "The screen is cracked from an impact. Accidental damage is "
                   "not covered; we can quote for a paid repair.")),
    ClaimPlan("at_manufacturer", 12, 6, "online_order", "No picture on start", _FULL,
               (*_TO_INSPECTION, _S.AT_MANUFACTURER),
               ("Mainboard fault confirmed; sent to the Lumen service centre.",),
               # Bench diagnosis is labour Lumen's terms pay back; the courier is not, so
               # with it alone the brand claim expected nothing back.
               costs=(decisions.CostLine("labour", 4_200, "Bench diagnosis, 50 minutes",
                                         recoverable=True),
                      decisions.CostLine("shipping", 1_800, "Courier to Lumen",
                                         recoverable=True))),
    ClaimPlan("repairing", 10, 6, "counter", "Left side silent", ("proof_of_purchase",),
               (*_TO_INSPECTION, _S.REPAIRING), ("Left driver open circuit; driver ordered.",)),
    ClaimPlan("inspecting", 8, 5, "phone", "Lines across the screen", _FULL, _TO_INSPECTION,
               ("Lines appear after ten minutes; checking the T-con board.",)),
    ClaimPlan("reviewing", 5, 3, "portal", "Keyboard keys stop working",
               ("proof_of_purchase",), (_S.REVIEWING,)),
    ClaimPlan("limit", 3, 1, "counter", "Fan rattles again", ("photo_of_fault",),
               override_reason="Third fan fault in a year on a regular customer's laptop; "
                               "approved so it can go to Lumen."),
    ClaimPlan("received", 2, 1, "counter", "Screen flickers when the brightness is low",
               ("photo_of_fault",)),
)
