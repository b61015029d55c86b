"""What went wrong in a sync cycle, by kind; `kind_of` is the one place that sorts errors.

A cycle's report says whether the till was online and lists what went wrong otherwise; both
come from the kinds here, never from an error's wording. The connectors record the facts of a
failure on the TransientError they raise (did an answer come back, with which status);
`kind_of` alone says what those facts mean, so a change in how a failure counts (a captive
Wi-Fi page, a proxy's error page, a line that drops answers halfway) is made here.

An answer is the portal's own only when it comes as `application/problem+json` with a `code`
from the contract (resources/api/portal.openapi.yaml, Problem.code); `judge` reads that code.
Anything else (a Wi-Fi sign-in page, a proxy's 407, a redirect, an HTML error page) was not
said by the portal: the till counts as offline and nothing is refused or parked because of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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
    # Inbox items this till could not use: they wait for a person to deal with them.
    UNUSABLE = "unusable"
    # Customers' requests from the inbox (an extension to sell): nothing failed, a person acts.
    REQUESTS = "requests"
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
    records: int = 0  # PARKED: how many records were refused; UNUSABLE: how many items
    behind: int = 0  # PARKED: how many more wait behind them
    # UNREACHABLE: the receiver answered other requests of the same cycle, so it was not
    # offline; this request alone got no answer (a dropped document check, say).
    heard: bool = False

    @property
    def offline(self) -> bool:
        """Whether this failure makes the cycle offline rather than a problem to show."""
        return self.kind is Kind.UNREACHABLE and not self.heard


PROBLEM_MEDIA_TYPE = "application/problem+json"

# The contract's problem codes, by what they mean for the till (Problem.code in the contract).
# Refusals of what was sent: resending the same thing would be refused again; a batch is split
# until the one event at fault stands alone, and only that event parks.
REFUSAL_CODES = frozenset({"invalid_request", "too_large", "document_mismatch",
                           "document_refused", "wrong_report", "bad_cursor"})
# The till's settings are wrong (token, branch, address): nothing sent is at fault, nothing
# parks; every record waits until a person fixes Settings → Sync.
SETTINGS_CODES = frozenset({"bad_token", "wrong_branch", "unknown_address"})
# Not now: the portal is busy, restarting or failed inside; the same request goes again later.
LATER_CODES = frozenset({"internal_error", "slow_down", "unavailable", "no_such_document"})


# The codes of one rejected event (EventResult.code in the contract). Permanent: the event as
# it is will never be taken, so it parks for a person. Fixable: head office does not know its
# topic or payload version yet (the till is newer); nothing parks, the batch goes again later.
EVENT_PERMANENT_CODES = frozenset({"invalid_payload", "bad_event_id", "too_large", "id_reused",
                                   "id_of_another_branch"})
EVENT_FIXABLE_CODES = frozenset({"unknown_topic", "unknown_version"})


def event_refused_for_good(result: dict[str, Any]) -> bool:
    """Whether a rejected event's answer parks it (True) or means "send it again later".

    By its code when the till knows it, else by the answer's `permanent` flag. A rejection with
    neither (a portal from before codes) parks, as every rejection did then.
    """
    code = result.get("code")
    if code in EVENT_PERMANENT_CODES:
        return True
    if code in EVENT_FIXABLE_CODES:
        return False
    return result.get("permanent") is not False


class Verdict(StrEnum):
    """What a refusing answer means, judged by who said it and its problem code."""

    REFUSED = "refused"  # the portal refused what was sent (one event or document is at fault)
    SETTINGS = "settings"  # the portal refused the till's settings: fix them, nothing parks
    LATER = "later"  # the portal said "not now"
    FOREIGN = "foreign"  # not the portal's answer (captive page, proxy): the till is offline


def problem_code(content_type: str, body: Any) -> str | None:
    """The contract's problem code when the answer is the portal's own problem, else None."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media != PROBLEM_MEDIA_TYPE or not isinstance(body, dict):
        return None
    code = body.get("code")
    return code if isinstance(code, str) and code else None


def judge(status: int, content_type: str, body: Any) -> Verdict:
    """What an answer other than success means: only the portal's own problem can refuse.

    `body` is the answer's JSON (None when it had none or it was not JSON). A problem code the
    till does not know yet (a newer portal) goes by the problem's `permanent` flag: true
    refuses what was sent; otherwise it is "not now", so it never parks a record, and a
    401/403 still says the settings need a look.
    """
    code = problem_code(content_type, body)
    if code is None:
        return Verdict.FOREIGN
    if code in REFUSAL_CODES:
        return Verdict.REFUSED
    if code in SETTINGS_CODES:
        return Verdict.SETTINGS
    if code in LATER_CODES:
        return Verdict.LATER
    if isinstance(body, dict) and body.get("permanent") is True:
        return Verdict.REFUSED
    return Verdict.SETTINGS if status in (401, 403) else Verdict.LATER


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
