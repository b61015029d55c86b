"""Whether a refund amount stays within a staff member's refund limit."""


def refund_within_limit(amount_minor: int, limit_minor: int | None) -> bool:
    """Return True when ``amount_minor`` is within ``limit_minor`` (None means no limit)."""
    if amount_minor <= 0:
        raise ValueError(f"a refund must be a positive amount, got {amount_minor}")
    if limit_minor is None:
        return True
    if limit_minor < 0:
        raise ValueError(f"a refund limit cannot be negative, got {limit_minor}")
    return amount_minor <= limit_minor
