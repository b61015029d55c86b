"""Evidence kinds: their labels for staff, the file types each takes, and what is missing."""

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


# File types by what their content shows (the name is never trusted). Proof of purchase is a
# receipt: a scan or a photo. A typed text file proves nothing, so only a report may be one.
_PHOTOS = ("image/jpeg", "image/png", "image/heic", "image/heif", "image/webp", "image/gif")
_VIDEOS = ("video/mp4", "video/quicktime")
_PDF = ("application/pdf",)
_ACCEPTED: dict[str, tuple[str, ...]] = {
    "proof_of_purchase": _PDF + _PHOTOS,
    "photo_of_fault": _PHOTOS,
    "serial_photo": _PHOTOS,
    "damage_photos": _PHOTOS,
    "video_of_fault": _VIDEOS + _PHOTOS,
    "technician_report": _PDF + _PHOTOS + ("text/plain",),
}
_TYPE_WORDS: dict[str, str] = {
    "application/pdf": "a PDF", "image/jpeg": "a JPEG photo", "image/png": "a PNG image",
    "image/heic": "a HEIC photo", "image/heif": "a HEIF photo", "image/webp": "a WebP image",
    "image/gif": "a GIF image", "video/mp4": "an MP4 video", "video/quicktime": "a MOV video",
    "text/plain": "plain text",
}
_KIND_WORDS: dict[tuple[str, ...], str] = {
    _PDF + _PHOTOS: "a PDF or a photo (JPEG, PNG, HEIC, WebP or GIF)",
    _PHOTOS: "a photo (JPEG, PNG, HEIC, WebP or GIF)",
    _VIDEOS + _PHOTOS: "a video (MP4 or MOV) or a photo",
    _PDF + _PHOTOS + ("text/plain",): "a PDF, a photo or a text file",
}


def accepted_types(kind: str) -> tuple[str, ...]:
    """The media types (by content) a document of this kind may be."""
    # Kinds a policy adds later take what a receipt takes: a scan or a photo.
    return _ACCEPTED.get(kind, _PDF + _PHOTOS)


def type_refusal(kind: str, media_type: str, name: str) -> str | None:
    """Why a file of this content cannot be this kind of evidence, or None if it can."""
    accepted = accepted_types(kind)
    if media_type in accepted:
        return None
    shown = name.strip() or "The file"
    return (f"{shown} is {_TYPE_WORDS.get(media_type, media_type)} by its content, whatever "
            f"its name says. A {evidence_label(kind)} must be {_KIND_WORDS[accepted]}: "
            "attach the scan or photo itself.")


def proof_words(proof_status: str, required: Collection[str], attached: Collection[str]) -> str:
    """How the proof of purchase stands, in words that agree with what is still missing.

    ``proof_status`` is the claim's: unverified, verified or rejected for a proof uploaded
    for a sale not known here, not_needed when the sale is on record.
    """
    if proof_status == "unverified":
        return "attached, waiting to be checked"
    if proof_status == "verified":
        return "checked and accepted"
    if proof_status == "rejected":
        return "checked and not accepted"
    if "proof_of_purchase" in attached:
        return "attached"
    if "proof_of_purchase" in required:
        return "missing"
    return "not asked for: the sale is on record"
