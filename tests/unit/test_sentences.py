"""A reason and the next sentence: one stop between them, whatever the reason ended with."""

from __future__ import annotations

import pytest

from warranty_desk.sentences import full_stop, sentences


@pytest.mark.parametrize(("reason", "joined"), [
    ("Missing or wrong sync token.", "Missing or wrong sync token. Check Settings → Sync."),
    ("Missing or wrong sync token", "Missing or wrong sync token. Check Settings → Sync."),
    ("Missing or wrong sync token.  ", "Missing or wrong sync token. Check Settings → Sync."),
    ("Is the server on?", "Is the server on? Check Settings → Sync."),
    ("Unknown inbox cursor 'x'", "Unknown inbox cursor 'x'. Check Settings → Sync."),
    ("Unknown inbox cursor 'x'.", "Unknown inbox cursor 'x'. Check Settings → Sync."),
    ("Refused (see the log.)", "Refused (see the log.) Check Settings → Sync."),
    ("Wait…", "Wait… Check Settings → Sync."),
])
def test_a_reason_and_a_sentence_meet_with_exactly_one_stop(reason: str, joined: str) -> None:
    assert sentences(reason, "Check Settings → Sync") == joined
    assert sentences(reason, "Check Settings → Sync.") == joined


def test_an_empty_reason_leaves_no_dangling_colon_or_stop() -> None:
    assert sentences("The portal refused the sync token (401): ", "Check Settings → Sync.") == (
        "The portal refused the sync token (401). Check Settings → Sync.")
    assert sentences("", "Tell head office.") == "Tell head office."
    assert full_stop("   ") == ""


def test_three_parts_each_end_once() -> None:
    assert sentences("Cannot read x.csv: No such file", "Check the name.", "Nothing changed") == (
        "Cannot read x.csv: No such file. Check the name. Nothing changed.")
