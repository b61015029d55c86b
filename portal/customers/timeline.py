"""A claim's steps in the customer's words: what happened to their unit, not costs or stock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from portal.projections.models import Claim, Message
from warranty_desk.letter_parts import what_it_says

STEPS = {
    "received": ("Received", "The shop has your claim and will look at it soon."),
    "reviewing": ("Reviewing", "The shop is checking your claim against the warranty."),
    "inspecting": ("Inspecting", "A technician is examining the unit."),
    "repairing": ("Repairing", "The unit is being repaired."),
    "at_manufacturer": ("At the manufacturer", "The unit is with the manufacturer for repair."),
    "resolved": ("Resolved", "The claim is settled; the shop will tell you how to collect."),
    "rejected": ("Rejected", "The claim was not accepted; the reason is below."),
}
# What happens next, after each step, in the customer's words.
NEXT = {
    "received": "The shop will check your claim against the warranty, usually within two "
                "working days. Bring the unit to the shop if you have not yet.",
    "reviewing": "If the claim is accepted, a technician examines the unit; you will be told "
                 "either way.",
    "inspecting": "The technician decides whether the unit is repaired here, sent to the "
                  "manufacturer, or replaced.",
    "repairing": "The shop tells you when the unit is ready to collect.",
    "at_manufacturer": "The manufacturer sends the unit back to the shop; this can take a few "
                       "weeks. The shop tells you when it is back.",
    "resolved": "Nothing more to do, unless the shop asked you to collect the unit.",
    "rejected": "If you disagree, reply to the shop: a manager can look at the claim again.",
}
_SHOWN = {"claim.opened", "claim.status_changed", "claim.decided",
          "claim.replacement_handed_over", "claim.handed_back"}
_CONFIRMED = {"signature": "signed on the shop's screen",
              "paper": "signed receipt kept by the shop"}


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the claim as the customer reads it."""

    at: datetime
    title: str
    wording: str


def step_name(state: str) -> tuple[str, str]:
    """A state's title and what it means, in plain words."""
    return STEPS.get(state, (state.replace("_", " ").capitalize(), ""))


def next_words(state: str) -> str:
    """What happens after this step."""
    return NEXT.get(state, "The shop will tell you what happens next.")


def started_step(at: datetime) -> Step:
    """The first step of a claim started online, before the branch has numbered it."""
    return Step(at, *step_name("received"))


def _listed(value: object) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else ""


def handed_back_words(details: dict[str, object]) -> str:
    """Who took the unit, from whom, in what state and with what: the customer's record of the
    handover, so a dispute about it has the shop's receipt to go by."""
    unit = "replacement unit" if details.get("unit") == "replacement" else "unit"
    serial = f" {details['serial']}" if details.get("serial") else ""
    who = str(details.get("collected_by") or "you")
    behalf = " on your behalf" if details.get("on_behalf") else ""
    lines = [f"The {unit}{serial} was handed to {who}{behalf} by "
             f"{details.get('handed_by') or 'the shop'}."]
    if details.get("condition"):
        lines.append(f"Condition: {details['condition']}.")
    if handed := _listed(details.get("accessories")):
        lines.append(f"With: {handed}.")
    if missing := _listed(details.get("accessories_missing")):
        lines.append(f"Not handed back: {missing}.")
    how = _CONFIRMED.get(str(details.get("confirmation")), "")
    if details.get("receipt"):
        lines.append(f"Receipt {details['receipt']}{', ' + how if how else ''}.")
    elif how:
        lines.append(f"Confirmed: {how}.")
    return " ".join(lines)


def gist(body: str) -> str:
    """A letter without its greeting and its signature, for a step that already says who and
    when; a text of another shape is shown whole."""
    return "\n\n".join(what_it_says(body))


class _Letters:
    """The messages the branch queued for the customer, taken once each by the step they tell
    of: the till's own wording templates (claim_<state>, claim_resolved_<outcome>)."""

    def __init__(self, messages: Iterable[Message]) -> None:
        self.waiting = sorted(messages, key=lambda m: (m.queued_at, m.pk))

    def take(self, state: str) -> str:
        for message in self.waiting:
            if message.template == f"claim_{state}" or message.template.startswith(
                    f"claim_{state}_"):
                self.waiting.remove(message)
                return gist(message.body)
        return ""


def steps(claim: Claim, messages: Iterable[Message] = ()) -> list[Step]:
    """The claim's steps, oldest first (prefetch `timeline`); each in the words of the message
    the branch sent the customer for it when there is one, else in the portal's words."""
    letters = _Letters(messages)
    found: list[Step] = []
    events = list(claim.timeline.all())
    # A replacement handed back with a receipt says all the bare hand-over would.
    receipted = any(e.topic == "claim.handed_back" and e.details.get("unit") == "replacement"
                    for e in events)
    # A till's decision moves the claim (claim.status_changed) and says so (claim.decided):
    # one step, told by the decision.
    decided = {e.to_state for e in events if e.topic == "claim.decided"}
    for event in events:
        if event.topic not in _SHOWN or (
                receipted and event.topic == "claim.replacement_handed_over") or (
                event.topic == "claim.status_changed" and event.to_state in decided):
            continue
        if event.topic == "claim.handed_back":
            title = ("Replacement handed over" if event.details.get("unit") == "replacement"
                     else "Handed back")
            found.append(Step(event.occurred_at, title, handed_back_words(event.details)))
        elif event.topic == "claim.replacement_handed_over":
            found.append(Step(event.occurred_at, "Replacement handed over",
                              "You received a replacement unit."))
        elif event.topic == "claim.decided":
            state = event.to_state or claim.state
            title, wording = step_name(state)
            found.append(Step(event.occurred_at, title,
                              letters.take(state) or claim.decision_reason or wording))
        elif event.to_state:
            title, wording = step_name(event.to_state)
            found.append(Step(event.occurred_at, title, letters.take(event.to_state) or wording))
    return found
