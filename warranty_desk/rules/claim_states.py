"""The claim state machine: states, outcomes, allowed moves and the guards on each move."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from warranty_desk.rules.evidence import EVIDENCE_KINDS, evidence_label, missing_evidence

__all__ = [
    "EVIDENCE_KINDS",
    "Blocker",
    "ClaimState",
    "Outcome",
    "TransitionContext",
    "check_reopen",
    "check_transition",
    "evidence_label",
    "first_state_needing_evidence",
    "is_final",
    "next_states",
    "reopen_target",
    "target_words",
]


class ClaimState(StrEnum):
    """Where a claim is in its handling."""

    RECEIVED = "received"
    REVIEWING = "reviewing"
    INSPECTING = "inspecting"
    REPAIRING = "repairing"
    AT_MANUFACTURER = "at_manufacturer"
    RESOLVED = "resolved"
    REJECTED = "rejected"


class Outcome(StrEnum):
    """How a claim was settled."""

    REPAIR = "repair"
    REPLACE = "replace"
    REFUND = "refund"
    REJECT = "reject"


_MOVES: dict[ClaimState, tuple[ClaimState, ...]] = {
    ClaimState.RECEIVED: (ClaimState.REVIEWING, ClaimState.REJECTED),
    ClaimState.REVIEWING: (ClaimState.INSPECTING, ClaimState.REJECTED),
    ClaimState.INSPECTING: (
        ClaimState.REPAIRING,
        ClaimState.AT_MANUFACTURER,
        ClaimState.RESOLVED,
        ClaimState.REJECTED,
    ),
    ClaimState.REPAIRING: (ClaimState.RESOLVED, ClaimState.AT_MANUFACTURER),
    ClaimState.AT_MANUFACTURER: (ClaimState.REPAIRING, ClaimState.RESOLVED, ClaimState.REJECTED),
    ClaimState.RESOLVED: (),
    ClaimState.REJECTED: (),
}

# Work on the unit starts past review, so these moves need the evidence and a verified proof.
_NEEDS_EVIDENCE = frozenset(
    {ClaimState.INSPECTING, ClaimState.REPAIRING, ClaimState.AT_MANUFACTURER, ClaimState.RESOLVED}
)

_SETTLING_OUTCOMES = (Outcome.REPAIR, Outcome.REPLACE, Outcome.REFUND)

_STATE_WORDS: dict[ClaimState, str] = {
    ClaimState.RECEIVED: "received",
    ClaimState.REVIEWING: "in review",
    ClaimState.INSPECTING: "in inspection",
    ClaimState.REPAIRING: "in repair",
    ClaimState.AT_MANUFACTURER: "at the manufacturer",
    ClaimState.RESOLVED: "resolved",
    ClaimState.REJECTED: "rejected",
}

_TARGET_WORDS: dict[ClaimState, str] = {
    ClaimState.RECEIVED: "received",
    ClaimState.REVIEWING: "review",
    ClaimState.INSPECTING: "inspection",
    ClaimState.REPAIRING: "repairing",
    ClaimState.AT_MANUFACTURER: "the manufacturer",
    ClaimState.RESOLVED: "resolved",
    ClaimState.REJECTED: "rejected",
}


@dataclass(frozen=True, slots=True)
class TransitionContext:
    """What the guards look at when a claim moves.

    ``required_evidence`` is the policy (claim type to evidence kinds); ``proof_verified`` is
    False while an uploaded proof of purchase waits for a staff check; ``proof_rejected`` is
    True once staff checked it and did not accept it.
    """

    claim_type: str
    attached_evidence: frozenset[str]
    required_evidence: Mapping[str, tuple[str, ...]]
    proof_verified: bool
    outcome: Outcome | None
    proof_rejected: bool = False
    # An online return whose unit has not been scanned in at the returns desk yet.
    unit_awaited: bool = False


@dataclass(frozen=True, slots=True)
class Blocker:
    """One reason a move cannot happen, in words for shop staff."""

    code: str
    message: str
    overridable: bool


def first_state_needing_evidence() -> ClaimState:
    """The first state, in workflow order, a claim cannot reach without its evidence."""
    return next(state for state in ClaimState if state in _NEEDS_EVIDENCE)


def target_words(state: ClaimState) -> str:
    """A state as the end of "moving to ...": review, inspection, the manufacturer."""
    return _TARGET_WORDS[state]


def next_states(current: ClaimState) -> tuple[ClaimState, ...]:
    """Return the states a claim may move to from ``current``."""
    return _MOVES[current]


def is_final(state: ClaimState) -> bool:
    """Return True for closed claims: no workflow move leaves them (only a reopen does)."""
    return not _MOVES[state]


# States in which a claim is still being handled; derived so a new state cannot be forgotten.
OPEN_STATES: tuple[str, ...] = tuple(s.value for s in ClaimState if not is_final(s))

# The rejection letter promises that a manager will look again: a rejected claim goes back to
# review, where the evidence and the decision are weighed anew. A resolved claim is not
# reopened: its repair, replacement or refund has happened; a new fault is a new claim.
_REOPENS: dict[ClaimState, ClaimState] = {ClaimState.REJECTED: ClaimState.REVIEWING}


def reopen_target(current: ClaimState) -> ClaimState | None:
    """Return the state a reopened claim goes back to, or None if it cannot be reopened."""
    return _REOPENS.get(current)


def check_reopen(current: ClaimState, *, open_claim_on_unit: str | None) -> tuple[Blocker, ...]:
    """Return what stops a closed claim being reopened; empty means it may be.

    ``open_claim_on_unit`` is the number of another claim still open on the same unit, if any:
    one unit has one open claim at a time, so that claim carries the customer's case on.
    """
    if current not in _REOPENS:
        if current is ClaimState.RESOLVED:
            why = ("A resolved claim is not reopened: its repair, replacement or refund has "
                   "happened. Start a new claim for a new fault.")
        else:
            why = (f"A claim that is {_STATE_WORDS[current]} is still open; only a rejected "
                   "claim is reopened.")
        return (Blocker("not_reopenable", why, False),)
    if open_claim_on_unit is not None:
        return (Blocker("open_claim", f"Claim {open_claim_on_unit} is open on the same unit; "
                        "carry the customer's case on there.", False),)
    return ()

def _outcome_blockers(target: ClaimState, outcome: Outcome | None) -> tuple[Blocker, ...]:
    if target is ClaimState.RESOLVED:
        if outcome is None:
            return (
                Blocker(
                    "outcome_missing",
                    "Choose how the claim was settled (repair, replace or refund) "
                    "before resolving it.",
                    False,
                ),
            )
        if outcome not in _SETTLING_OUTCOMES:
            return (
                Blocker(
                    "outcome_mismatch",
                    f"A resolved claim needs repair, replace or refund as its outcome, not "
                    f"{outcome}. To turn the claim down, reject it instead.",
                    False,
                ),
            )
    # No outcome on a rejection means the rejection itself is the outcome.
    if target is ClaimState.REJECTED and outcome not in (None, Outcome.REJECT):
        return (
            Blocker(
                "outcome_mismatch",
                f"A rejected claim cannot have the outcome {outcome}. "
                "Resolve the claim instead, or change the outcome to reject.",
                False,
            ),
        )
    return ()


def _evidence_blockers(ctx: TransitionContext) -> tuple[Blocker, ...]:
    blockers: list[Blocker] = []
    missing = missing_evidence(ctx.required_evidence, ctx.claim_type, ctx.attached_evidence)
    if missing:
        labels = ", ".join(evidence_label(kind) for kind in missing)
        pronoun = "it" if len(missing) == 1 else "them"
        blockers.append(
            Blocker("evidence_missing", f"Evidence missing: {labels}. Attach {pronoun}.", True)
        )
    # Who may pass a blocker is the reader's business: staff are told to ask a manager, a
    # manager is offered the override, the command line names the --override option.
    if ctx.proof_rejected:
        blockers.append(
            Blocker(
                "proof_rejected",
                "The proof of purchase was checked and not accepted. Ask the customer for "
                "another one, or reject the claim.",
                True,
            )
        )
    elif not ctx.proof_verified:
        blockers.append(
            Blocker(
                "proof_unverified",
                "The uploaded proof of purchase has not been verified yet. Check it and "
                "accept or refuse it.",
                True,
            )
        )
    return tuple(blockers)


def check_transition(
    current: ClaimState, target: ClaimState, ctx: TransitionContext
) -> tuple[Blocker, ...]:
    """Return what stops a claim moving from ``current`` to ``target``; empty means it may."""
    if target not in _MOVES[current]:
        return (
            Blocker(
                "not_allowed",
                f"A claim that is {_STATE_WORDS[current]} cannot move to {_TARGET_WORDS[target]}.",
                False,
            ),
        )
    blockers = _outcome_blockers(target, ctx.outcome)
    if ctx.unit_awaited and target is not ClaimState.REJECTED:
        # Nobody can review a unit the shop has not got; declining the return needs no unit.
        blockers += (Blocker("unit_awaited", "The customer's unit has not arrived yet: scan "
                             "its return label at the returns desk (F5) when it comes in.",
                             False),)
    if target in _NEEDS_EVIDENCE:
        blockers += _evidence_blockers(ctx)
    return blockers
