"""When a customer needs a retention call: the rules over their claims, pure and dated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.dates import add_months

# Two claims within twelve months tell of a customer losing faith in what they bought.
REPEAT_CLAIMS = 2
WINDOW_MONTHS = 12
# A claim open longer than this many days, unless the shop sets its own (Settings > Shop).
DEFAULT_OPEN_DAYS = 30
RULE_WORDS: dict[str, str] = {
    "repeat_claims": f"{REPEAT_CLAIMS} or more claims in twelve months",
    "rejected": "A claim was rejected",
    "long_open": "A claim is open too long",
}


@dataclass(frozen=True, slots=True)
class ClaimFact:
    """What the rules need of one of the customer's claims."""

    number: str
    opened_on: date
    state: str
    closed_on: date | None = None


@dataclass(frozen=True, slots=True)
class Trigger:
    """A rule that fired: which, on which claim (its key with the customer), and why in words."""

    rule: str
    claim_number: str
    words: str


def _window_start(today: date) -> date:
    """The first day of the twelve months up to today."""
    return add_months(today, -WINDOW_MONTHS)


def repeat_claims(claims: Sequence[ClaimFact], today: date) -> Trigger | None:
    """Two or more claims opened in the twelve months up to today, named by the newest."""
    recent = sorted((c for c in claims if _window_start(today) < c.opened_on <= today),
                    key=lambda c: (c.opened_on, c.number))
    if len(recent) < REPEAT_CLAIMS:
        return None
    newest = recent[-1]
    return Trigger("repeat_claims", newest.number,
                   f"{len(recent)} claims in twelve months, the latest {newest.number} opened "
                   f"{newest.opened_on.isoformat()}")


def rejected(claims: Sequence[ClaimFact], today: date) -> list[Trigger]:
    """Each claim rejected within the twelve months up to today."""
    return [Trigger("rejected", c.number, f"Claim {c.number} was rejected on "
                    f"{c.closed_on.isoformat()}")
            for c in sorted(claims, key=lambda c: c.number)
            if c.state == "rejected" and c.closed_on is not None
            and _window_start(today) < c.closed_on <= today]


def long_open(claims: Sequence[ClaimFact], today: date, open_days: int) -> list[Trigger]:
    """Each claim still open more than `open_days` days after it was opened."""
    if open_days < 1:
        raise ValueError(f"a claim is open too long after one day at the least, not {open_days}")
    return [Trigger("long_open", c.number, f"Claim {c.number} has been open "
                    f"{(today - c.opened_on).days} days (more than {open_days})")
            for c in sorted(claims, key=lambda c: c.number)
            if c.state in OPEN_STATES and (today - c.opened_on).days > open_days]


def retention_triggers(claims: Sequence[ClaimFact], today: date,
                       open_days: int = DEFAULT_OPEN_DAYS) -> tuple[Trigger, ...]:
    """Every rule that fires for one customer's claims today."""
    found: list[Trigger] = []
    repeat = repeat_claims(claims, today)
    if repeat is not None:
        found.append(repeat)
    return (*found, *rejected(claims, today), *long_open(claims, today, open_days))
