"""A claim's steps in the customer's words: what happened to their unit, not costs or stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.projections.models import Claim

STEPS = {
    "received": ("Received", "The shop has your claim and will look at it soon."),
    "reviewing": ("Reviewing", "The shop is checking your claim against the warranty."),
    "inspecting": ("Inspecting", "A technician is examining the unit."),
    "repairing": ("Repairing", "The unit is being repaired."),
    "at_manufacturer": ("At the manufacturer", "The unit is with the manufacturer for repair."),
    "resolved": ("Resolved", "The claim is settled; the shop will tell you how to collect."),
    "rejected": ("Rejected", "The claim was not accepted; the reason is below."),
}
_SHOWN = {"claim.opened", "claim.status_changed", "claim.decided",
          "claim.replacement_handed_over"}


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the claim as the customer reads it."""

    at: datetime
    title: str
    wording: str


def step_name(state: str) -> tuple[str, str]:
    """A state's title and what it means, in plain words."""
    return STEPS.get(state, (state.replace("_", " ").capitalize(), ""))


def steps(claim: Claim) -> list[Step]:
    """The claim's steps, oldest first (prefetch `timeline`)."""
    found: list[Step] = []
    for event in claim.timeline.all():
        if event.topic not in _SHOWN:
            continue
        if event.topic == "claim.replacement_handed_over":
            found.append(Step(event.occurred_at, "Replacement handed over",
                              "You received a replacement unit."))
        elif event.topic == "claim.decided":
            title, wording = step_name(event.to_state or claim.state)
            found.append(Step(event.occurred_at, title, claim.decision_reason or wording))
        elif event.to_state:
            found.append(Step(event.occurred_at, *step_name(event.to_state)))
    return found
