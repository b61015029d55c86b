"""Failures by kind, never by wording: which kind an error is, and the line each kind makes."""

from __future__ import annotations

import pytest

from sync.contract import TransientError
from sync.failures import Failure, Kind, Step, kind_of
from sync.wording import Voice, capital, message, problem_line
from warranty_desk.errors import BadInput

VOICES = {"portal": Voice("the portal", True), "crm": Voice("the CRM", False)}


@pytest.mark.parametrize(("error", "kind"), [
    (TransientError("Could not reach the portal", answered=False), Kind.UNREACHABLE),
    (TransientError("The portal answered 500: busy", status=500), Kind.REFUSED),
    (TransientError("The portal refused the sync token (401)", status=401), Kind.REFUSED),
    (TransientError("The answer did not match the events sent"), Kind.REFUSED),
    (BadInput("The portal refused the nightly report: bad day"), Kind.REFUSED),
    (RuntimeError("a slip in the code"), Kind.FAULT),
])
def test_an_error_is_sorted_by_its_facts(error: BaseException, kind: Kind) -> None:
    assert kind_of(error) is kind


def test_the_wording_of_an_error_does_not_change_its_kind() -> None:
    # Words that once decided it ("the …", "sync to …") mean nothing now.
    for text in ("the CRM is down", "Sync to crm failed", "Could not reach x"):
        assert kind_of(TransientError(text)) is Kind.REFUSED
        assert kind_of(TransientError(text, answered=False)) is Kind.UNREACHABLE


def test_only_no_answer_at_all_makes_a_failure_offline() -> None:
    assert [k for k in Kind if Failure(Step.PUSH, "crm", k).offline] == [Kind.UNREACHABLE]


@pytest.mark.parametrize(("failure", "line"), [
    (Failure(Step.PUSH, "crm", Kind.REFUSED, "Tryton answered HTTP 500 to login."),
     "The CRM: Tryton answered HTTP 500 to login."),
    (Failure(Step.PUSH, "portal", Kind.REFUSED, "The portal answered 500: busy"),
     "The portal answered 500: busy"),
    (Failure(Step.PUSH, "crm", Kind.FAULT, "Sync to crm stopped on an unexpected error."),
     "Sync to crm stopped on an unexpected error."),
    (Failure(Step.PUSH, "crm", Kind.PARKED, records=1, behind=3),
     "The CRM refused 1 record (3 more wait behind them); retry or dismiss them in the sync "
     "panel"),
    (Failure(Step.PUSH, "portal", Kind.PARKED, records=2),
     "The portal refused 2 records; retry or dismiss them in the sync panel"),
    (Failure(Step.PULL, "portal", Kind.REFUSED, "The portal answered 500: busy"),
     "The inbox pull stopped: The portal answered 500: busy"),
    (Failure(Step.NIGHTLY, "portal", Kind.REFUSED, "The portal refused the nightly report"),
     "The nightly report was not sent: The portal refused the nightly report"),
    (Failure(Step.NIGHTLY, "portal", Kind.HELD),
     "The nightly report waits until every record has reached head office; it goes with the "
     "next nightly run."),
    (Failure(Step.UPLOAD, "portal", Kind.REFUSED, "The portal refused document ab12…: too big"),
     "The portal refused document ab12…: too big"),
])
def test_each_kind_has_its_plain_line(failure: Failure, line: str) -> None:
    assert problem_line(failure, VOICES) == line


def test_the_first_receiver_with_no_answer_makes_the_line_and_problems_wait() -> None:
    failures = [Failure(Step.PUSH, "portal", Kind.REFUSED, "The portal answered 500: busy"),
                Failure(Step.PUSH, "crm", Kind.UNREACHABLE, "Could not reach crm.example."),
                Failure(Step.PULL, "portal", Kind.UNREACHABLE, "Could not reach the portal.")]
    assert message(None, None, False, failures, (), VOICES) == (
        "Offline: the CRM did not answer (Could not reach crm.example).")


def test_a_capital_keeps_the_rest_of_a_name_as_it_is() -> None:
    assert capital("the CRM") == "The CRM"
    assert capital("") == ""
