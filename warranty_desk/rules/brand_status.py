"""The statuses of a claim lodged with a brand, as head office and the till both name them."""

# The sync contract's BrandStatus.status enum (resources/api/portal.openapi.yaml) is these keys;
# a test holds the two equal. Each says in words what the status means for the counter.
BRAND_STATUSES: dict[str, str] = {
    "submitted": "the claim is lodged with the brand",
    "acknowledged": "the brand has received the claim",
    "in_repair": "the unit is at the brand's service centre",
    "approved": "the brand accepted the claim",
    "rejected": "the brand refused the claim",
    "returned": "the brand sent the unit back",
    "paid": "the brand paid the claim",
    "credited": "the brand gave a credit note",
}


def brand_status_words(status: str) -> str | None:
    """What a brand status means, or None for one this till does not know."""
    return BRAND_STATUSES.get(status)
