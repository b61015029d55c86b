"""Management report PDFs: long tables over many pages, right-aligned numbers, bar charts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from printing.pdf import ReportChart, ReportDoc, render_report_pdf
from printing.pdf.style import BOLD, REGULAR
from tests.printing.pdf_tools import has_colour, page_sizes, page_texts, render, text, text_runs
from tests.printing.samples import SHOP
from warranty_desk.errors import BadInput
from warranty_desk.money import for_people as money

COLUMNS = ("Claim", "Product", "State", "Days open", "Value")
PRODUCTS = ("Lumen 14 Laptop", "Orbit X Phone", "Kettle Deluxe 2000 with a rather long name")
STATES = ("open", "waiting for parts", "closed")
ZEBRA_RGB = (241, 244, 248)


def _report(count: int = 500, **changes: object) -> ReportDoc:
    report = ReportDoc(
        title="Claims by age", subtitle="1 Oct – 22 Nov 2026 · Quay Street (BR01)", shop=SHOP,
        printed_at=datetime(2026, 11, 22, 18, 0), columns=COLUMNS,
        rows=tuple((f"BR01-C-2026-{n:06d}", PRODUCTS[n % 3], STATES[n % 3], str(n % 40),
                    money(n * 1371, "EUR", "en_GB")) for n in range(count)),
        numeric=frozenset({3, 4}),
        chart=ReportChart("Claims by state", ("open", "waiting for parts", "closed"),
                          (167.0, 167.0, 166.0), unit="claims"),
        notes=("Days open counts calendar days.", "Values are prices at sale."))
    return replace(report, **changes)  # type: ignore[arg-type]


def test_title_chart_table_and_notes() -> None:
    pdf = render_report_pdf(_report(count=12))
    words = text(pdf)
    for fact in ("Claims by age", "1 Oct – 22 Nov 2026 · Quay Street (BR01)",
                 "Claims by state (claims)", "waiting for parts", "167", "166",
                 "BR01-C-2026-000011", "€150.81", "Notes", "Days open counts calendar days.",
                 "Printed 22/11/2026, 18:00", "Page 1 of 1"):
        assert fact in words, fact
    pages = render(pdf, "test-report-short")
    assert has_colour(pages[0], ZEBRA_RGB)


def test_five_hundred_rows_repeat_the_heading_on_every_page() -> None:
    pdf = render_report_pdf(_report())
    pages = page_texts(pdf)
    assert len(pages) >= 8
    for number in range(len(pages)):
        bold = {r.text for r in text_runs(pdf, number) if r.font == BOLD}
        # The notes may fall alone on the last page, under no table.
        assert set(COLUMNS) <= bold or "BR01-C-" not in pages[number], number
        assert f"Page {number + 1} of {len(pages)}" in pages[number]
    assert sum("BR01-C-" in page for page in pages) >= 8
    words = text(pdf)
    assert "BR01-C-2026-000000" in words and "BR01-C-2026-000499" in words
    assert "Values are prices at sale." in pages[-1]
    render(pdf, "test-report-500")


def test_numeric_columns_are_right_aligned() -> None:
    runs = text_runs(render_report_pdf(_report(count=30, chart=None)))
    values = [r for r in runs if r.text.startswith("€")]
    days = [r for r in runs if r.text.isdigit() and r.font == REGULAR and r.size < 9]
    assert len(values) == 30
    assert max(r.right for r in values) - min(r.right for r in values) < 0.5
    assert max(r.right for r in days) - min(r.right for r in days) < 0.5
    assert min(r.x for r in values) > max(r.right for r in days)


def test_many_long_labels_get_a_horizontal_chart_on_a5() -> None:
    labels = tuple(f"Product family number {n}" for n in range(20))
    chart = ReportChart("Average days to close", labels, tuple(n * 1.5 for n in range(20)),
                        unit="days")
    pdf = render_report_pdf(_report(count=5, chart=chart), paper="A5")
    words = text(pdf)
    assert "Average days to close (days)" in words
    assert "Product family number 19" in words and "28.5" in words
    assert page_sizes(pdf)[0] == (419.5, 595.3)
    render(pdf, "test-report-hchart")


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_a_chart_with_too_many_bars_shows_the_first_forty(paper: str) -> None:
    labels = tuple(f"Staff member {n}" for n in range(100))
    chart = ReportChart("Activations", labels, tuple(float(n) for n in range(100)))
    pdf = render_report_pdf(_report(count=3, chart=chart), paper=paper)
    words = text(pdf)
    assert "Activations — first 40 of 100" in words
    assert "Staff member 39" in words and "Staff member 40" not in words
    render(pdf, f"test-report-many-bars-{paper}")


def test_without_chart_rows_or_notes() -> None:
    words = text(render_report_pdf(_report(count=0, chart=None, notes=())))
    assert "Nothing to report for this period." in words
    assert "Notes" not in words


def test_wide_cells_wrap_inside_their_column() -> None:
    wide = _report(columns=("Claim", "Notes"), numeric=frozenset(), rows=tuple(
        (f"C{n}", "The customer says the unit was dropped once " * 6) for n in range(3)))
    pdf = render_report_pdf(wide, paper="A5")
    runs = text_runs(pdf)
    assert all(r.right <= 420 - 28 + 0.5 for r in runs)
    assert {"Claim", "C0", "C1", "C2"} <= {r.text for r in runs}  # the narrow column stays whole
    render(pdf, "test-report-wrap")


def test_ragged_rows_are_padded_or_cut_to_the_columns() -> None:
    ragged = _report(chart=None, rows=(("only one",), ("a", "b", "c", "4", "€5.00", "extra")))
    words = text(render_report_pdf(ragged))
    assert "only one" in words and "€5.00" in words and "extra" not in words


def test_unknown_paper_is_bad_input() -> None:
    with pytest.raises(BadInput, match="A4, Letter, A5"):
        render_report_pdf(_report(count=1), paper="Tabloid")


def test_same_report_same_bytes() -> None:
    assert render_report_pdf(_report(count=40)) == render_report_pdf(_report(count=40))


def test_a_note_as_long_as_a_note_may_be_runs_on_over_pages_in_a_narrow_column() -> None:
    # Exception notes and audit-sample reviews keep up to 4000 characters; in the tenth of the
    # page a ten-column list gives each, such a row is taller than a page.
    from printing.pdf.report import ReportPart

    note = ("Checked the refund against the ledger and the receipt. " * 72)[:3990] + " THE END"
    columns = ("Month", "#", "Claim", "Product", "Outcome", "Closed", "Finding", "By", "At",
               "Note")
    part = ReportPart("The sampled claims", columns, (
        ("2026-10", "1", "BR01-C-2026-000005", "Kettlo 1.7 L Kettle", "replace",
         "2026-10-25 13:38", "Needs follow-up", "Maria Manager", "2026-11-22 12:00", note),
        ("2026-10", "2", "BR01-C-2026-000004", "Orbit X Mini Phone", "repair",
         "2026-10-20 14:44", "Fine", "Maria Manager", "2026-11-22 12:05", "")))
    pdf = render_report_pdf(_report(count=3, follow=(part,)))
    words = " ".join(text(pdf).split())
    assert "THE END" in words and "Orbit X Mini Phone" in words
