"""Pure warranty and claim rules: dates, cover layers, claim states, limits and eligibility."""

from warranty_desk.rules.claim_limit import ClaimLimitStatus, claim_limit_status
from warranty_desk.rules.claim_states import (
    Blocker,
    ClaimState,
    Outcome,
    TransitionContext,
    check_transition,
    is_final,
    next_states,
)
from warranty_desk.rules.coverage import (
    Coverage,
    CoverStatus,
    LayerKind,
    LayerSpan,
    coverage_on,
    extension_layer,
    plan_layers,
)
from warranty_desk.rules.dates import add_months, cover_end
from warranty_desk.rules.eligibility import ClaimEligibility, claim_eligibility
from warranty_desk.rules.evidence import EVIDENCE_KINDS, evidence_label, missing_evidence
from warranty_desk.rules.extension import (
    ExtensionEligibility,
    ExtensionTerms,
    extension_eligibility,
)
from warranty_desk.rules.refunds import refund_within_limit

__all__ = [
    "EVIDENCE_KINDS",
    "Blocker",
    "ClaimEligibility",
    "ClaimLimitStatus",
    "ClaimState",
    "CoverStatus",
    "Coverage",
    "ExtensionEligibility",
    "ExtensionTerms",
    "LayerKind",
    "LayerSpan",
    "Outcome",
    "TransitionContext",
    "add_months",
    "check_transition",
    "claim_eligibility",
    "claim_limit_status",
    "cover_end",
    "coverage_on",
    "evidence_label",
    "extension_eligibility",
    "extension_layer",
    "is_final",
    "missing_evidence",
    "next_states",
    "plan_layers",
    "refund_within_limit",
]
