"""The close report PDF: a row per staff member, emphasised totals, and registration gaps."""

from __future__ import annotations

from dataclasses import replace

from printing.pdf import render_close_report_pdf
from printing.pdf.style import BOLD
from tests.printing.pdf_tools import page_sizes, render, text, text_runs
from tests.printing.samples import CLOSE_REPORT, EMPTY_CLOSE_REPORT, SHOP

HEADINGS = ("Staff", "Activations", "Extensions sold", "Extension revenue", "Registration gaps",
            "Claims opened", "Claims closed")


def test_title_staff_rows_and_totals() -> None:
    pdf = render_close_report_pdf(CLOSE_REPORT)
    words = text(pdf)
    assert "Close report — 22 Nov 2026" in words
    assert "Quay Street (BR01)" in words
    for heading in HEADINGS:
        assert heading in words, heading
    assert "Sam Sales 9 3 €147.00 1 2 0" in words
    assert "Kim Store 0 0 €0.00 0 0 3" in words
    assert "Maria Manager 2 1 €49.00 0 1 2" in words
    assert "Total 11 4 €196.00 1 3 5" in words
    assert "Printed 22/11/2026, 18:02" in words and "Page 1 of 1" in words
    render(pdf, "test-close-report")


def test_totals_row_is_bold_and_numbers_right_aligned() -> None:
    runs = text_runs(render_close_report_pdf(CLOSE_REPORT))
    total = [r for r in runs if r.text in ("Total", "€196.00")]
    assert {r.font for r in total} == {BOLD}
    money_column = [r for r in runs if r.text.startswith("€")]
    assert len(money_column) == 4
    assert max(r.right for r in money_column) - min(r.right for r in money_column) < 0.5


def test_registration_gaps_are_listed() -> None:
    words = text(render_close_report_pdf(CLOSE_REPORT))
    assert "Registration gaps" in words
    assert "INV-10051 Lumen 14 Laptop LAP-100 BR01-W-2026-000051 Sam Sales" in words
    assert "No registration gaps today." not in words


def test_an_empty_day_says_so() -> None:
    pdf = render_close_report_pdf(EMPTY_CLOSE_REPORT)
    words = text(pdf)
    assert "No activity recorded on this day." in words
    assert "No registration gaps today." in words
    assert "Sam Sales" not in words
    render(pdf, "test-close-report-empty")


def test_money_and_dates_in_german() -> None:
    german = replace(CLOSE_REPORT, shop=replace(SHOP, locale="de_DE"))
    pdf = render_close_report_pdf(german, paper="A5")
    words = text(pdf)
    assert "Close report — 22.11.2026" in words
    assert "Sam Sales 9 3 147,00 € 1 2 0" in words
    assert "196,00 €" in words
    assert page_sizes(pdf) == [(419.5, 595.3)]
    render(pdf, "test-close-report-de-a5")


def test_headings_do_not_break_inside_words_on_a5() -> None:
    runs = text_runs(render_close_report_pdf(CLOSE_REPORT, paper="A5"))
    heading_words = {w for h in HEADINGS for w in h.split()}
    found = {r.text for r in runs} & heading_words
    assert found == heading_words


def test_same_report_same_bytes() -> None:
    assert render_close_report_pdf(CLOSE_REPORT) == render_close_report_pdf(CLOSE_REPORT)
