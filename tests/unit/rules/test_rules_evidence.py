"""Tests for working out which evidence a claim still lacks."""

from warranty_desk.rules.evidence import missing_evidence

POLICY = {"fault": ["proof_of_purchase", "photo_of_fault", "serial_photo"]}


def test_missing_evidence_follows_the_policy_order() -> None:
    assert missing_evidence(POLICY, "fault", {"photo_of_fault"}) == (
        "proof_of_purchase",
        "serial_photo",
    )


def test_nothing_is_missing_when_everything_is_attached() -> None:
    attached = ["serial_photo", "photo_of_fault", "proof_of_purchase", "video_of_fault"]
    assert missing_evidence(POLICY, "fault", attached) == ()


def test_a_kind_listed_twice_by_the_policy_is_reported_once() -> None:
    policy = {"fault": ("photo_of_fault", "serial_photo", "photo_of_fault")}
    assert missing_evidence(policy, "fault", ()) == ("photo_of_fault", "serial_photo")


def test_a_claim_type_without_a_policy_needs_nothing() -> None:
    assert missing_evidence(POLICY, "damage", ()) == ()


def test_a_claim_type_with_an_empty_policy_needs_nothing() -> None:
    assert missing_evidence({"fault": ()}, "fault", ()) == ()
