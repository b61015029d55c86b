"""What replaces a customer's words: pseudonym, empty field, or a bracketed word inside text."""

from __future__ import annotations

import json

from warranty_desk.rules.erasure import (
    ERASED_EMAIL,
    ERASED_PHONE,
    Words,
    mentions,
    pseudonym,
    scrub,
    scrub_json_text,
    scrub_text,
)

WORDS = Words.of("BR01-CU-2026-000007", names={"Jo Lee", "Joanna Lee"},
                 phones={"+447700900123"}, emails={"Jo.Lee@Example.org"})
ALIAS = pseudonym("BR01-CU-2026-000007")


def test_the_pseudonym_is_the_same_from_either_side_and_names_no_one() -> None:
    assert pseudonym(" br01-cu-2026-000007 ") == ALIAS
    assert ALIAS.startswith("Erased customer ") and len(ALIAS) == len("Erased customer 7F3A")


def test_a_whole_field_becomes_the_pseudonym_or_empty() -> None:
    assert scrub({"name": "Joanna Lee", "phone": "+447700900123", "email": "jo.lee@example.org",
                  "segment": "retail"}, WORDS) == {
        "name": ALIAS, "phone": "", "email": "", "segment": "retail"}


def test_inside_text_each_becomes_a_word_and_the_text_still_reads() -> None:
    said = scrub_text("Dear Joanna Lee, call 07700900123 or write to Jo.Lee@Example.org.", WORDS)
    assert said == f"Dear {ALIAS}, call {ERASED_PHONE} or write to {ERASED_EMAIL}."


def test_a_short_name_goes_only_where_it_is_the_whole_field() -> None:
    # "Jo Lee" is 6 letters: replaced inside text; a 2-letter value never is.
    short = Words.of("R-1", names={"Al"})
    assert scrub_text("Always ask Al", short) == "Always ask Al"
    assert scrub_text("Al", short) == pseudonym("R-1")
    assert not mentions("Always", short)


def test_json_text_stays_json_with_escaped_names_scrubbed() -> None:
    words = Words.of("R-2", names={'Zoë "Z" Ōta'})
    text = json.dumps({"note": 'Zoë "Z" Ōta came in', "n": 3}, ensure_ascii=True)
    after = json.loads(scrub_json_text(text, words))
    assert after == {"note": f"{pseudonym('R-2')} came in", "n": 3}
