"""The PDF text helpers: drawable text, markup escaping, fitting, paper names."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from printing.pdf import (
    LABEL_SIZES,
    PAPERS,
    render_certificate,
    render_close_report_pdf,
    render_label,
    render_ticket_pdf,
)
from printing.pdf.blocks import break_url
from printing.pdf.fit import ELLIPSIS, fit, wrap
from printing.pdf.fonts import REGULAR, WIDE, fonts
from printing.pdf.pages import label_size, paper_size
from printing.pdf.text import markup, needs_markup, safe
from tests.printing.samples import CLOSE_REPORT, LABEL, SLIP, TICKET
from warranty_desk.errors import BadInput


def test_latin1_names_are_kept() -> None:
    assert safe("Aoife Ní Bhriain") == "Aoife Ní Bhriain"
    assert safe("Seán Murphy — €49.00 “quoted”") == "Seán Murphy — €49.00 “quoted”"


def test_characters_no_face_draws_become_question_marks() -> None:
    assert safe("Łukasz Ελένη Жанна") == "Łukasz Ελένη Жанна"
    assert safe("emoji 📦 here") == "emoji ? here"
    assert markup("emoji 📦 here") == "emoji ? here"


def test_chinese_japanese_and_korean_runs_are_drawn_in_the_cjk_face() -> None:
    # safe() is for the canvas, which draws one face: the CJK runs need a Paragraph.
    assert safe("Łukasz 李") == "Łukasz ?"
    assert needs_markup("Łukasz 李") and not needs_markup("Łukasz")
    assert markup("Wang 李 & 王") == (f'Wang <font name="{WIDE}">李</font> &amp; '
                                     f'<font name="{WIDE}">王</font>')


def test_decomposed_accents_are_composed_first() -> None:
    assert safe("Sea\u0301n") == "Seán"


def test_babel_spaces_become_drawable_look_alikes() -> None:
    # en_US times and fr_FR thousands use U+202F, which cp1252 lacks.
    assert safe("2:05\u202fPM") == "2:05\u00a0PM"
    assert safe("1\u202f234,00\u00a0€") == "1\u00a0234,00\u00a0€"


def test_control_characters_do_not_reach_the_pdf() -> None:
    assert safe("a\x07b\r\nc") == "a?b\nc"


def test_markup_escapes_paragraph_syntax() -> None:
    assert markup("Tom & Jerry <b>") == "Tom &amp; Jerry &lt;b&gt;"


def test_markup_keeps_phone_numbers_on_one_line() -> None:
    assert markup("Call +353 91 555 0101 now") == "Call +353\u00a091\u00a0555\u00a00101 now"


def test_wrap_breaks_at_spaces_and_cuts_overlong_words() -> None:
    fonts()  # measured before any document registered the faces
    assert wrap("one two three", REGULAR, 10, 45) == ["one two", "three"]
    lines = wrap("x" * 60, REGULAR, 10, 50)
    assert "".join(lines) == "x" * 60
    assert all(stringWidth(line, REGULAR, 10) <= 50 for line in lines)


def test_fit_shrinks_before_it_shortens() -> None:
    size, lines = fit("A fairly long product name", REGULAR, 100, largest=10, smallest=5)
    assert size < 10 and lines == ["A fairly long product name"]
    size, lines = fit("word " * 80, REGULAR, 100, largest=10, smallest=5, max_lines=2)
    assert size == 5 and len(lines) == 2 and lines[-1].endswith(ELLIPSIS)
    assert all(stringWidth(line, REGULAR, size) <= 100 for line in lines)


def test_long_urls_break_after_slashes() -> None:
    url = "https://portal.harbour.example/w/BR01-W-2026-000042"
    lines = break_url(url, REGULAR, 7, 130)
    assert "".join(lines) == url
    assert lines == ["https://portal.harbour.example/w/", "BR01-W-2026-000042"]


def test_paper_and_label_sizes_in_points() -> None:
    assert [tuple(round(v) for v in paper_size(p)) for p in PAPERS] == [
        (595, 842), (612, 792), (420, 595)]
    assert [tuple(round(v, 1) for v in label_size(s)) for s in LABEL_SIZES] == [
        (175.7, 82.2), (288.0, 432.0)]


@pytest.mark.parametrize("render", [
    lambda: render_certificate(SLIP, paper="B5"),
    lambda: render_ticket_pdf(TICKET, paper="a4"),
    lambda: render_close_report_pdf(CLOSE_REPORT, paper="Legal"),
])
def test_unknown_paper_is_bad_input_naming_the_choices(render: Callable[[], bytes]) -> None:
    with pytest.raises(BadInput, match="A4, Letter, A5"):
        render()


def test_unknown_label_size_is_bad_input_naming_the_choices() -> None:
    with pytest.raises(BadInput, match="62x29mm, 4x6in"):
        render_label(LABEL, size="A4")
