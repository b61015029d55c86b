"""Evidence kinds a claim can carry, their labels for staff, and what a policy still misses."""

from collections.abc import Collection, Mapping, Sequence

_LABELS: dict[str, str] = {
    "proof_of_purchase": "proof of purchase",
    "photo_of_fault": "photo of the fault",
    "serial_photo": "photo of the serial label",
    "video_of_fault": "video of the fault",
    "technician_report": "technician's report",
    "damage_photos": "photos of the damage",
}

EVIDENCE_KINDS: tuple[str, ...] = tuple(_LABELS)


def evidence_label(kind: str) -> str:
    """Return the words shop staff see for an evidence kind."""
    # Kinds added to a policy later still read acceptably without a code change.
    return _LABELS.get(kind, kind.replace("_", " "))


def missing_evidence(
    required: Mapping[str, Sequence[str]], claim_type: str, attached: Collection[str]
) -> tuple[str, ...]:
    """Return the evidence kinds the policy requires for the claim type that are not attached."""
    missing: list[str] = []
    # A claim type the policy does not mention requires nothing.
    for kind in required.get(claim_type, ()):
        if kind not in attached and kind not in missing:
            missing.append(kind)
    return tuple(missing)
