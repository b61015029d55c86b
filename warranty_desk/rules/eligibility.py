"""Whether a claim can be opened on a unit, and whether a manager could allow it anyway."""

from dataclasses import dataclass

from warranty_desk.rules.claim_limit import ClaimLimitStatus
from warranty_desk.rules.coverage import Coverage, CoverStatus, LayerKind

_LAYER_WORDS: dict[LayerKind, str] = {
    LayerKind.MANUFACTURER: "the manufacturer's warranty",
    LayerKind.SHOP: "the shop warranty",
    LayerKind.EXTENSION: "the extended warranty",
}


@dataclass(frozen=True, slots=True)
class ClaimEligibility:
    """The verdict on opening a claim; ``needs_override`` means a manager may allow it."""

    eligible: bool
    needs_override: bool
    reasons: tuple[str, ...]


def _in_cover_reason(coverage: Coverage) -> str:
    layer = _LAYER_WORDS[coverage.layer] if coverage.layer is not None else "warranty"
    days = coverage.days_left
    return f"In cover under {layer}, {days} {'day' if days == 1 else 'days'} left."


def claim_eligibility(
    coverage: Coverage, limit: ClaimLimitStatus, open_claim_number: str | None
) -> ClaimEligibility:
    """Return whether a claim may be opened given the cover, the claim limit and open claims."""
    # Every reason is listed, hard ones first, so staff see all that stands in the way at once.
    hard: list[str] = []
    soft: list[str] = []
    if coverage.status is CoverStatus.VOID:
        hard.append("This warranty was voided.")
    elif coverage.awaits_delivery:
        hard.append("Cover starts on delivery, and the unit has not been delivered yet.")
    elif coverage.status is CoverStatus.NOT_STARTED:
        hard.append("Cover has not started yet.")
    elif coverage.status is CoverStatus.EXPIRED:
        soft.append(f"Cover ended on {coverage.ends_on}.")
    if open_claim_number is not None:
        hard.append(f"Claim {open_claim_number} is already open for this unit.")
    if limit.exceeded:
        soft.append(limit.message)
    if hard:
        return ClaimEligibility(False, False, tuple(hard + soft))
    if soft:
        return ClaimEligibility(False, True, tuple(soft))
    return ClaimEligibility(True, False, (_in_cover_reason(coverage),))
