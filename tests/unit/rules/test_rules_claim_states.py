"""Tests for the claim state machine and the guards on each move."""

from itertools import product

import pytest

from warranty_desk.rules.claim_states import (
    EVIDENCE_KINDS,
    Blocker,
    ClaimState,
    Outcome,
    TransitionContext,
    check_transition,
    evidence_label,
    is_final,
    next_states,
)

S = ClaimState

# Written out again here so a slip in the module's table cannot also slip into the test.
ALLOWED: dict[ClaimState, set[ClaimState]] = {
    S.RECEIVED: {S.REVIEWING, S.REJECTED},
    S.REVIEWING: {S.INSPECTING, S.REJECTED},
    S.INSPECTING: {S.REPAIRING, S.AT_MANUFACTURER, S.RESOLVED, S.REJECTED},
    S.REPAIRING: {S.RESOLVED, S.AT_MANUFACTURER},
    S.AT_MANUFACTURER: {S.REPAIRING, S.RESOLVED, S.REJECTED},
    S.RESOLVED: set(),
    S.REJECTED: set(),
}
ALLOWED_MOVES = [(a, b) for a, targets in ALLOWED.items() for b in sorted(targets)]
DISALLOWED_MOVES = [(a, b) for a, b in product(S, S) if b not in ALLOWED[a]]
FORWARD = {S.INSPECTING, S.REPAIRING, S.AT_MANUFACTURER, S.RESOLVED}
FORWARD_MOVES = [(a, b) for a, b in ALLOWED_MOVES if b in FORWARD]
POLICY = {"fault": ("photo_of_fault", "proof_of_purchase"), "damage": ("damage_photos",)}


def ctx(
    *,
    attached: frozenset[str] = frozenset({"photo_of_fault", "proof_of_purchase"}),
    proof_verified: bool = True,
    outcome: Outcome | None = None,
    claim_type: str = "fault",
) -> TransitionContext:
    return TransitionContext(claim_type, attached, POLICY, proof_verified, outcome)


def fitting_outcome(target: ClaimState) -> Outcome | None:
    return Outcome.REPAIR if target is S.RESOLVED else None


def codes(blockers: tuple[Blocker, ...]) -> list[str]:
    return [blocker.code for blocker in blockers]


def test_every_state_pair_is_covered_by_the_two_move_lists() -> None:
    assert len(ALLOWED_MOVES) + len(DISALLOWED_MOVES) == len(S) ** 2 == 49
    assert len(ALLOWED_MOVES) == 13


@pytest.mark.parametrize(("current", "target"), ALLOWED_MOVES)
def test_an_allowed_move_with_everything_in_order_has_no_blockers(
    current: ClaimState, target: ClaimState
) -> None:
    assert check_transition(current, target, ctx(outcome=fitting_outcome(target))) == ()


@pytest.mark.parametrize(("current", "target"), DISALLOWED_MOVES)
def test_a_move_outside_the_state_machine_is_refused_without_override(
    current: ClaimState, target: ClaimState
) -> None:
    blockers = check_transition(current, target, ctx(outcome=fitting_outcome(target)))
    assert codes(blockers) == ["not_allowed"]
    assert blockers[0].overridable is False


@pytest.mark.parametrize(("current", "target"), DISALLOWED_MOVES)
def test_a_disallowed_move_reports_only_that_it_is_not_allowed(
    current: ClaimState, target: ClaimState
) -> None:
    bare = ctx(attached=frozenset(), proof_verified=False, outcome=Outcome.REFUND)
    assert codes(check_transition(current, target, bare)) == ["not_allowed"]


def test_a_resolved_claim_cannot_move_to_repairing_in_plain_words() -> None:
    (blocker,) = check_transition(S.RESOLVED, S.REPAIRING, ctx())
    assert blocker.message == "A claim that is resolved cannot move to repairing."


def test_a_claim_cannot_skip_review_in_plain_words() -> None:
    (blocker,) = check_transition(S.RECEIVED, S.INSPECTING, ctx())
    assert blocker.message == "A claim that is received cannot move to inspection."


@pytest.mark.parametrize("state", list(S))
def test_next_states_lists_exactly_the_allowed_targets(state: ClaimState) -> None:
    assert set(next_states(state)) == ALLOWED[state]
    assert len(next_states(state)) == len(ALLOWED[state])


@pytest.mark.parametrize("state", list(S))
def test_only_resolved_and_rejected_are_final(state: ClaimState) -> None:
    assert is_final(state) is (state in {S.RESOLVED, S.REJECTED})


def test_a_claim_cannot_leave_reviewing_without_required_evidence() -> None:
    (blocker,) = check_transition(S.REVIEWING, S.INSPECTING, ctx(attached=frozenset()))
    assert blocker == Blocker(
        "evidence_missing",
        "Evidence missing: photo of the fault, proof of purchase. Attach them.",
        True,
    )


def test_a_single_missing_item_is_named_on_its_own() -> None:
    (blocker,) = check_transition(
        S.REVIEWING, S.INSPECTING, ctx(attached=frozenset({"proof_of_purchase"}))
    )
    assert blocker.message == (
        "Evidence missing: photo of the fault. Attach it."
    )


@pytest.mark.parametrize(("current", "target"), FORWARD_MOVES)
def test_every_move_past_review_needs_the_required_evidence(
    current: ClaimState, target: ClaimState
) -> None:
    blockers = check_transition(
        current, target, ctx(attached=frozenset(), outcome=fitting_outcome(target))
    )
    assert codes(blockers) == ["evidence_missing"]


@pytest.mark.parametrize(("current", "target"), FORWARD_MOVES)
def test_every_move_past_review_needs_a_verified_proof_of_purchase(
    current: ClaimState, target: ClaimState
) -> None:
    blockers = check_transition(
        current, target, ctx(proof_verified=False, outcome=fitting_outcome(target))
    )
    assert blockers == (
        Blocker(
            "proof_unverified",
            "The uploaded proof of purchase has not been verified yet. "
            "Check it and accept or refuse it.",
            True,
        ),
    )


@pytest.mark.parametrize("current", [s for s in S if S.REJECTED in ALLOWED[s]])
def test_rejecting_a_claim_never_needs_evidence_or_a_verified_proof(current: ClaimState) -> None:
    bare = ctx(attached=frozenset(), proof_verified=False)
    assert check_transition(current, S.REJECTED, bare) == ()


def test_starting_review_needs_no_evidence() -> None:
    bare = ctx(attached=frozenset(), proof_verified=False)
    assert check_transition(S.RECEIVED, S.REVIEWING, bare) == ()


def test_missing_evidence_and_an_unverified_proof_are_both_reported() -> None:
    bare = ctx(attached=frozenset(), proof_verified=False)
    blockers = check_transition(S.REVIEWING, S.INSPECTING, bare)
    assert codes(blockers) == ["evidence_missing", "proof_unverified"]
    assert all(blocker.overridable for blocker in blockers)


def test_evidence_for_another_claim_type_does_not_count() -> None:
    blockers = check_transition(S.REVIEWING, S.INSPECTING, ctx(claim_type="damage"))
    assert [b.message for b in blockers] == [
        "Evidence missing: photos of the damage. Attach it."
    ]


def test_a_claim_type_the_policy_does_not_name_needs_no_evidence() -> None:
    bare = ctx(attached=frozenset(), claim_type="cosmetic")
    assert check_transition(S.REVIEWING, S.INSPECTING, bare) == ()


def test_extra_attached_evidence_does_no_harm() -> None:
    attached = frozenset({"photo_of_fault", "proof_of_purchase", "video_of_fault"})
    assert check_transition(S.REVIEWING, S.INSPECTING, ctx(attached=attached)) == ()


@pytest.mark.parametrize("current", [S.INSPECTING, S.REPAIRING, S.AT_MANUFACTURER])
def test_resolving_without_an_outcome_is_refused_without_override(current: ClaimState) -> None:
    (blocker,) = check_transition(current, S.RESOLVED, ctx(outcome=None))
    assert blocker.code == "outcome_missing"
    assert blocker.overridable is False
    assert "repair, replace or refund" in blocker.message


@pytest.mark.parametrize("outcome", [Outcome.REPAIR, Outcome.REPLACE, Outcome.REFUND])
def test_resolving_with_a_settling_outcome_is_allowed(outcome: Outcome) -> None:
    assert check_transition(S.INSPECTING, S.RESOLVED, ctx(outcome=outcome)) == ()


def test_resolving_with_a_reject_outcome_is_a_mismatch() -> None:
    (blocker,) = check_transition(S.INSPECTING, S.RESOLVED, ctx(outcome=Outcome.REJECT))
    assert blocker.code == "outcome_mismatch"
    assert blocker.overridable is False
    assert "reject it instead" in blocker.message


@pytest.mark.parametrize("outcome", [Outcome.REPAIR, Outcome.REPLACE, Outcome.REFUND])
def test_rejecting_with_a_settling_outcome_is_a_mismatch(outcome: Outcome) -> None:
    (blocker,) = check_transition(S.INSPECTING, S.REJECTED, ctx(outcome=outcome))
    assert blocker.code == "outcome_mismatch"
    assert blocker.overridable is False
    assert f"cannot have the outcome {outcome.value}" in blocker.message


@pytest.mark.parametrize("outcome", [Outcome.REJECT, None])
def test_rejecting_with_a_reject_outcome_or_none_is_allowed(outcome: Outcome | None) -> None:
    assert check_transition(S.AT_MANUFACTURER, S.REJECTED, ctx(outcome=outcome)) == ()


def test_outcome_blockers_come_before_evidence_blockers() -> None:
    bare = ctx(attached=frozenset(), proof_verified=False, outcome=None)
    blockers = check_transition(S.REPAIRING, S.RESOLVED, bare)
    assert codes(blockers) == ["outcome_missing", "evidence_missing", "proof_unverified"]


def test_the_outcome_does_not_matter_for_moves_that_neither_resolve_nor_reject() -> None:
    assert check_transition(S.INSPECTING, S.REPAIRING, ctx(outcome=Outcome.REJECT)) == ()


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("proof_of_purchase", "proof of purchase"),
        ("photo_of_fault", "photo of the fault"),
        ("serial_photo", "photo of the serial label"),
        ("video_of_fault", "video of the fault"),
        ("technician_report", "technician's report"),
        ("damage_photos", "photos of the damage"),
        ("courier_receipt", "courier receipt"),
        ("x", "x"),
    ],
)
def test_evidence_kinds_read_as_plain_words(kind: str, label: str) -> None:
    assert evidence_label(kind) == label


def test_the_known_evidence_kinds_are_listed() -> None:
    assert set(EVIDENCE_KINDS) == {
        "proof_of_purchase",
        "photo_of_fault",
        "serial_photo",
        "video_of_fault",
        "technician_report",
        "damage_photos",
    }
    assert len(EVIDENCE_KINDS) == 6


def test_state_and_outcome_values_are_the_stored_strings() -> None:
    assert [s.value for s in S] == [
        "received",
        "reviewing",
        "inspecting",
        "repairing",
        "at_manufacturer",
        "resolved",
        "rejected",
    ]
    assert [o.value for o in Outcome] == ["repair", "replace", "refund", "reject"]


def test_a_proof_checked_and_not_accepted_blocks_work_on_the_unit() -> None:
    import dataclasses

    refused = dataclasses.replace(ctx(), proof_rejected=True)
    (blocker,) = check_transition(S.REVIEWING, S.INSPECTING, refused)
    assert (blocker.code, blocker.overridable) == ("proof_rejected", True)
    assert check_transition(S.REVIEWING, S.REJECTED, refused) == ()


def test_only_a_rejected_claim_may_be_reopened_and_it_goes_back_to_review() -> None:
    from warranty_desk.rules.claim_states import check_reopen, reopen_target

    assert reopen_target(S.REJECTED) is S.REVIEWING
    assert check_reopen(S.REJECTED, open_claim_on_unit=None) == ()
    for state in S:
        if state is not S.REJECTED:
            assert reopen_target(state) is None
            assert codes(check_reopen(state, open_claim_on_unit=None)) == ["not_reopenable"]
    (blocker,) = check_reopen(S.REJECTED, open_claim_on_unit="BR01-C-2026-000009")
    assert "BR01-C-2026-000009" in blocker.message and not blocker.overridable


def test_no_evidence_message_tells_a_manager_to_ask_a_manager() -> None:
    bare = ctx(attached=frozenset(), proof_verified=False)
    for blocker in check_transition(S.REVIEWING, S.INSPECTING, bare):
        assert "manager" not in blocker.message
