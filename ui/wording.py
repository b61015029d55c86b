"""Small pieces of wording the screens share: counts in proper singular or plural, a claim's
outcome where it adds something, claim types and channels in words, and who to ask for a
setting the person may not change."""

from __future__ import annotations

from warranty_desk.permissions import MATRIX, ROLE_LABELS, Permission, Role

CLAIM_TYPE_WORDS = {"fault": "Fault", "dead_on_arrival": "Dead on arrival",
                    "cosmetic": "Cosmetic damage", "battery": "Battery"}
CHANNEL_WORDS = {"counter": "At the counter", "portal": "Customer portal",
                 "online_order": "Online order", "phone": "Phone", "online": "Online return"}


def in_words(words: dict[str, str], value: str) -> str:
    """A stored value (online_order) as staff say it (Online order)."""
    return words.get(value, value.replace("_", " ").capitalize())


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 warranty', '2 warranties', '0 serials': never 'warranty(ies)'."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def outcome_shown(state: str, outcome: str | None) -> str | None:
    """The outcome worth naming beside a claim's state: a resolved claim's (repair, refund…).
    A rejected claim's outcome is 'reject', which its state already says."""
    return outcome if state == "resolved" else None


def who_may(permission: Permission) -> str:
    """The people who may do this, as the person would ask for them: 'the owner or the
    system admin'."""
    return " or ".join(f"the {ROLE_LABELS[role].lower()}" for role in Role
                       if role in MATRIX[permission] and role is not Role.SYSTEM)
