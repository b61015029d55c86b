"""The one redaction step: stored secrets, credential headers and address passwords are masked in
every message and log line, and ordinary words are left alone."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from warranty_desk.redaction import MASK, RedactingFilter, forget_all, redact, remember

TOKEN = "wd-sync-9f8e7d6c5b4a39281706"


@pytest.fixture(autouse=True)
def nothing_remembered() -> Iterator[None]:
    forget_all()
    yield
    forget_all()


def test_a_remembered_secret_is_masked_wherever_it_stands() -> None:
    remember(TOKEN)
    assert redact(f"token={TOKEN}; again{TOKEN}.") == f"token={MASK}; again{MASK}."


@pytest.mark.parametrize(("text", "masked"), [
    ("Authorization: Bearer abc.DEF-1234567", f"Authorization: Bearer {MASK}"),
    ("authorization: basic dXNlcjpodW50ZXIy", f"authorization: basic {MASK}"),
    ("see https://admin:hunter2@portal.example/api", f"see https://{MASK}@portal.example/api"),
])
def test_credentials_are_masked_even_when_never_stored(text: str, masked: str) -> None:
    assert redact(text) == masked


@pytest.mark.parametrize("text", [
    "Basic warranty cover for 12 months",
    "the bearer instruments clause",
    "Basic coverage: screens and batteries",
    "mailto:someone@example.com",
    "short secret abc",
])
def test_ordinary_words_are_left_alone(text: str) -> None:
    remember("abc")  # too short to be a secret worth the name
    assert redact(text) == text


def test_a_log_record_and_its_traceback_are_masked_before_any_handler_writes_them() -> None:
    remember(TOKEN)
    try:
        raise RuntimeError(f"server said {TOKEN}")
    except RuntimeError:
        import sys

        record = logging.LogRecord("sync", logging.WARNING, __file__, 1, "got %s", (TOKEN,),
                                   sys.exc_info())
    assert RedactingFilter().filter(record)
    assert record.getMessage() == f"got {MASK}"
    assert record.exc_text is not None and TOKEN not in record.exc_text
    assert MASK in record.exc_text
