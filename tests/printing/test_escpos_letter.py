"""A customer message as a letter on 58 and 80 mm paper, read back through the ESC/POS decoder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from printing.escpos import WIDTHS_MM, render_letter
from tests.printing.escpos_decoder import decode, paper_problems
from tests.printing.escpos_image import save
from tests.printing.samples import LETTER

widths = pytest.mark.parametrize("width_mm", WIDTHS_MM)


@widths
def test_every_part_of_the_letter_is_on_the_roll(width_mm: int) -> None:
    decoded = decode(render_letter(LETTER, width_mm=width_mm))
    text = decoded.flat
    for fact in ("LETTER", "Harbour Electronics", "To Seán Murphy", "Date 20 November 2026",
                 "Claim BR01-C-2026-000007", "Hello Seán Murphy,", "ready to collect",
                 "+353 91 555 0101", "Printed 22/11/2026, 16:10"):
        assert fact in text, fact
    assert "COPY" not in text
    assert LETTER.claim_number in [b.data for b in decoded.barcodes]
    assert paper_problems(decoded, width_mm) == []


@widths
def test_a_copy_says_why_under_a_mark_nobody_misses(width_mm: int) -> None:
    note = "This message was sent by email; this letter is a copy of it."
    decoded = decode(render_letter(replace(LETTER, copy=True, copy_note=note),
                                   width_mm=width_mm))
    [mark] = [line for line in decoded.lines if line.text.strip() == "COPY"]
    assert mark.bold
    assert note in decoded.flat


def test_the_letter_looks_right_on_80_mm(tmp_path: Path) -> None:
    decoded = decode(render_letter(LETTER, width_mm=80))
    save(decoded, 576, Path("/tmp/pdf-previews/test-escpos-letter.png"))
