"""What went wrong in a sync cycle, by kind; `kind_of` is the one place that sorts errors.

A cycle's report says whether the till was online and lists what went wrong otherwise; both
come from the kinds here, never from an error's wording. The connectors record the facts of a
failure on the TransientError they raise (did an answer come back, with which status);
`kind_of` alone says what those facts mean, so a change in how a failure counts (a captive
Wi-Fi page, a proxy's error page, a line that drops answers halfway) is made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sync.contract import TransientError
from warranty_desk.errors import WarrantyDeskError


class Kind(StrEnum):
    """What a failure means for the people at the till."""

    # No answer came back at all: the till is offline for that receiver; records wait.
    UNREACHABLE = "unreachable"
    # The receiver answered no, or not now (a refused token, a 500, an answer we cannot read).
    REFUSED = "refused"
    # Records the receiver refused one by one: they wait in the sync panel for a person.
    PARKED = "parked"
    # A step held back until records ahead of it have gone (the nightly report).
    HELD = "held"
    # Warranty Desk's own code or database failed: a bug, with its traceback in the log.
    FAULT = "fault"


class Step(StrEnum):
    """The part of a cycle a failure stopped."""

    MARKS = "marks"  # a restored till reads head office's high-water marks before all else
    UPLOAD = "upload"
    PUSH = "push"
    PULL = "pull"
    NIGHTLY = "nightly"


@dataclass(frozen=True, slots=True)
class Failure:
    """One thing a cycle could not do: where, for which receiver, what kind, and the reason."""

    step: Step
    destination: str  # the receiver's cursor name: "portal", "crm"
    kind: Kind
    reason: str = ""  # the receiver's or the connector's plain words
    records: int = 0  # PARKED: how many records were refused
    behind: int = 0  # PARKED: how many more wait behind them

    @property
    def offline(self) -> bool:
        """Whether this failure makes the cycle offline rather than a problem to show."""
        return self.kind is Kind.UNREACHABLE


def kind_of(error: BaseException) -> Kind:
    """What an error that stopped a step means: unreachable, refused, or a fault of our own.

    No answer at all is unreachable. An answer that said no or not now, and a refusal put in
    plain words (BadInput and the like), are refused. Anything else is a bug.
    """
    if isinstance(error, TransientError):
        return Kind.REFUSED if error.answered else Kind.UNREACHABLE
    if isinstance(error, WarrantyDeskError):
        return Kind.REFUSED
    return Kind.FAULT
