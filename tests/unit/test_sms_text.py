"""A customer message cut to a text: the shop's name, its first lines and the claim number, in
at most two segments, cut at a sentence or a word."""

from __future__ import annotations

import pytest

from warranty_desk.models import Segment
from warranty_desk.services.messages import render
from warranty_desk.sms_text import fits, gsm_length, limit_for, sms_text

CLAIM = "BR01-C-2026-000123"


def _letter(template: str = "claim_received") -> str:
    return render(template, {"customer": "Ada Lovelace", "product": "Orbit Laptop 14",
                             "serial": "SN-1", "claim": CLAIM, "promised": "12 December",
                             "shop": "Lumen & Co", "phone": "020 7946 0958"}).body


def test_the_text_names_the_shop_leaves_out_greeting_and_sign_off_and_keeps_the_claim() -> None:
    text = sms_text("Lumen & Co", _letter(), CLAIM)
    assert text.startswith("Lumen & Co: We received your Orbit Laptop 14")
    assert "Hello" not in text and "020 7946 0958" not in text
    assert text.count(CLAIM) == 1 and fits(text)


@pytest.mark.parametrize("segment", list(Segment))
def test_every_registers_greeting_and_sign_off_are_left_out(segment: Segment) -> None:
    # The VIP and business registers sign off "With best wishes," / "Kind regards," above the
    # shop's name: that whole paragraph goes, not only a name on its first line.
    body = render("claim_received", {
        "customer": "Ada Lovelace", "product": "Orbit Laptop 14", "serial": "SN-1",
        "claim": CLAIM, "promised": "12 December", "shop": "Lumen & Co",
        "phone": "020 7946 0958"}, segment).body
    text = sms_text("Lumen & Co", body, CLAIM)
    assert "020 7946 0958" not in text and text.count("Lumen & Co") == 1
    assert not any(word in text for word in ("Dear", "Hello", "regards", "wishes"))


def test_a_long_message_is_cut_at_a_sentence_and_keeps_the_claim_number() -> None:
    body = "Hello Ada,\n\n" + " ".join(f"Sentence number {n} says a little more." for n in
                                       range(40)) + "\n\nLumen & Co"
    text = sms_text("Lumen & Co", body, CLAIM)
    assert fits(text, 2) and not fits(text + " " + "x" * 40, 2)
    assert text.endswith(f"more. Claim {CLAIM}.")


def test_one_long_sentence_is_cut_at_a_word_with_three_dots() -> None:
    body = "Hello Ada,\n\n" + " ".join(["wordy"] * 120)
    text = sms_text("Lumen & Co", body, CLAIM)
    assert fits(text, 2) and f"wordy... Claim {CLAIM}." in text


def test_a_character_outside_gsm_halves_the_room() -> None:
    assert gsm_length("Price: €12 [x]") == 17  # € [ ] take two septets each
    assert gsm_length("Zoë ✓") is None
    assert (limit_for("plain"), limit_for("✓")) == (306, 134)
    text = sms_text("Lumen & Co", "Hello Ada,\n\n" + "Your kettle is ready ✓. " * 20, CLAIM)
    assert len(text) <= 134 and text.endswith(f"Claim {CLAIM}.")
