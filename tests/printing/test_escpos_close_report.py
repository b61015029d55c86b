"""The point-of-sale close report on 58 and 80 mm paper, read back through the decoder."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from printing.escpos import WIDTHS_MM, render_close_report
from tests.printing.escpos_decoder import Decoded, decode, paper_problems
from tests.printing.escpos_samples import CLOSE_REPORT_BUSY
from tests.printing.samples import CLOSE_REPORT, EMPTY_CLOSE_REPORT
from warranty_desk.errors import BadInput
from warranty_desk.printables import CloseReportView

widths = pytest.mark.parametrize("width_mm", WIDTHS_MM)


def report(view: CloseReportView, width_mm: int) -> Decoded:
    return decode(render_close_report(view, width_mm=width_mm))


def numbers_of(decoded: Decoded, name: str) -> list[str]:
    """The figures printed for one person: on the name's row, or on the row after it."""
    rows = [line.text for line in decoded.lines]
    at = next(i for i, row in enumerate(rows) if row.startswith(name))
    figures = rows[at][len(name):].split()
    return figures or rows[at + 1].split()


@widths
def test_header_title_and_day(width_mm: int) -> None:
    decoded = report(CLOSE_REPORT, width_mm)
    assert decoded.lines[0].text == "Harbour Electronics" and decoded.lines[0].bold
    assert "CLOSE REPORT 22 Nov 2026" in decoded.flat
    assert "Printed 22/11/2026, 18:02" in decoded.flat


@widths
def test_every_person_and_the_totals_with_their_figures(width_mm: int) -> None:
    decoded = report(CLOSE_REPORT, width_mm)
    assert numbers_of(decoded, "Sam Sales") == ["9", "3", "€147.00", "1", "2", "0"]
    assert numbers_of(decoded, "Kim Store") == ["0", "0", "€0.00", "0", "0", "3"]
    assert numbers_of(decoded, "Maria Manager") == ["2", "1", "€49.00", "0", "1", "2"]
    assert numbers_of(decoded, "Total") == ["11", "4", "€196.00", "1", "3", "5"]
    total = next(line for line in decoded.lines if line.text.startswith("Total"))
    assert total.bold


@widths
def test_short_headers_come_with_a_legend(width_mm: int) -> None:
    text = report(CLOSE_REPORT, width_mm).flat
    assert "Act Ext Revenue Gap Opn Cls" in text
    for meaning in ("Act activations", "Ext extensions sold", "Revenue extension revenue",
                    "Gap registration gaps", "Opn/Cls claims opened/closed"):
        assert meaning in text


@widths
def test_figures_line_up_under_their_headers(width_mm: int) -> None:
    rows = [line.text for line in report(CLOSE_REPORT, width_mm).lines]
    header = next(row for row in rows if row.rstrip().endswith("Cls"))
    figures = [row for row in rows if row.rstrip().endswith(("0", "2", "3", "5"))
               and "€" in row]
    # Right-aligned numbers: each column ends where its header ends.
    for row in figures:
        assert len(row) == len(header)
        assert row.index("€") >= header.index("Revenue") - 2


@widths
def test_registration_gaps_are_listed(width_mm: int) -> None:
    text = report(CLOSE_REPORT, width_mm).flat
    assert "Registration gaps (1)" in text
    for fact in ("INV-10051", "Lumen 14 Laptop", "LAP-100", "BR01-W-2026-000051",
                 "Sold by Sam Sales"):
        assert fact in text


@widths
def test_a_day_without_gaps_says_so(width_mm: int) -> None:
    clean_day = replace(CLOSE_REPORT, gaps=())
    assert "No registration gaps today." in report(clean_day, width_mm).flat
    later = replace(clean_day, printed_at=datetime(2026, 11, 25, 9, 0))
    assert "No registration gaps on this day." in report(later, width_mm).flat


@widths
def test_an_empty_day_prints_a_sentence_not_an_empty_table(width_mm: int) -> None:
    decoded = report(EMPTY_CLOSE_REPORT, width_mm)
    assert "No activity recorded on this day." in decoded.flat
    assert "Staff" not in decoded.text and "Total" not in decoded.text
    assert decoded.ends_with_cut


@pytest.mark.parametrize("view", [CLOSE_REPORT, EMPTY_CLOSE_REPORT, CLOSE_REPORT_BUSY])
@widths
def test_everything_fits_the_paper(view: CloseReportView, width_mm: int) -> None:
    assert paper_problems(report(view, width_mm), width_mm) == []
    assert report(view, width_mm).barcodes == [] and report(view, width_mm).qrs == []


@widths
def test_big_figures_and_long_names_stay_readable(width_mm: int) -> None:
    text = report(CLOSE_REPORT_BUSY, width_mm).flat
    assert "Bartholomew Fitzgerald-O'Sullivan" in text
    assert "€1,234,567.89" in text and "€1,234,763.89" in text


def test_58_mm_gives_each_person_two_rows_and_80_mm_one() -> None:
    narrow = [line.text for line in report(CLOSE_REPORT, 58).lines]
    wide = [line.text for line in report(CLOSE_REPORT, 80).lines]
    assert "Sam Sales" in narrow
    assert any(row.startswith("Sam Sales") and row.endswith("0") for row in wide)


def test_unknown_width_is_refused() -> None:
    with pytest.raises(BadInput, match="58 mm or 80 mm"):
        render_close_report(CLOSE_REPORT, width_mm=76)


def test_same_view_same_bytes() -> None:
    assert render_close_report(CLOSE_REPORT) == render_close_report(CLOSE_REPORT)
