"""Any management report as a PDF: a long table with repeated headings, a chart, notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from printing.formatting import moment
from printing.pdf import blocks
from printing.pdf.charts import ReportChart, bar_chart
from printing.pdf.document import (
    Chrome,
    build,
    content_height,
    content_width,
    footer_text,
    paper_styles,
)
from printing.pdf.style import ACCENT, BOLD, REGULAR, RULE, WHITE, ZEBRA, Styles
from printing.pdf.text import markup, needs_markup, safe
from warranty_desk.printables import ShopHeader

_PAD = 4.0  # cell padding left and right


@dataclass(frozen=True, slots=True)
class ReportPart:
    """A table listed under the report's own (the failures under the delivery rates)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # already formatted cells
    numeric: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class ReportDoc:
    """Any management report as a table (+ optional chart)."""

    title: str
    subtitle: str  # e.g. period, branch
    shop: ShopHeader
    printed_at: datetime
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # already formatted cells
    numeric: frozenset[int] = field(default_factory=frozenset)  # column indexes to right-align
    chart: ReportChart | None = None
    notes: tuple[str, ...] = ()
    follow: tuple[ReportPart, ...] = ()  # after the notes, each under its own heading


def column_widths(columns: Sequence[str], rows: Sequence[Sequence[str]], width: float,
                  size: float) -> list[float]:
    """Widths that fit the page: narrow columns get their content's width, the wide ones share
    what is left (and wrap), and any spare room is spread over all of them."""
    natural = [max([stringWidth(c, BOLD, size), size * 3] +
                   [stringWidth(r[i], REGULAR, size) for r in rows if i < len(r)]) + 2 * _PAD
               for i, c in enumerate(columns)]
    given = [0.0] * len(natural)
    left, todo = width, sorted(range(len(natural)), key=natural.__getitem__)
    while todo:
        share = left / len(todo)
        if natural[todo[0]] > share:  # the rest are all wider than a fair share: split evenly
            for i in todo:
                given[i] = share
            break
        i = todo.pop(0)
        given[i] = natural[i]
        left -= natural[i]
    return [w * width / sum(given) for w in given]


def _table(report: ReportDoc | ReportPart, st: Styles, width: float) -> Table:
    size = st.cell.fontSize
    n = len(report.columns)
    # A ragged row is padded (or cut) to the columns rather than breaking the table.
    raw = [tuple(r[:n]) + ("",) * (n - len(r)) for r in report.rows]
    rows = [tuple(safe(c) for c in r) for r in raw]
    widths = column_widths(report.columns, rows, width, size)
    right = st.cell_right
    # Plain strings draw fast; only a cell too wide for its column, or with text only the CJK
    # face draws, becomes a Paragraph.
    body = [[c if stringWidth(c, REGULAR, size) <= widths[i] - 2 * _PAD
             and not needs_markup(raw[k][i]) else
             Paragraph(markup(raw[k][i]), right if i in report.numeric else st.cell)
             for i, c in enumerate(r)] for k, r in enumerate(rows)]
    heads = [Paragraph(markup(c), st.head.clone("head-r", alignment=2) if i in report.numeric
                       else st.head) for i, c in enumerate(report.columns)]
    # A row taller than a page (a note of thousands of characters in a narrow column) runs on
    # over the next page rather than stopping the whole report.
    table = Table([heads, *body], colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 1), (-1, -1), REGULAR, size),
        ("TEXTCOLOR", (0, 0), (-1, 0), WHITE),
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [WHITE, ZEBRA]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        *[("ALIGN", (i, 1), (i, -1), "RIGHT") for i in report.numeric],
    ]))
    return table


def render_report_pdf(report: ReportDoc, *, paper: str = "A4") -> bytes:
    """The report as PDF bytes; the table's heading row is repeated on every page."""
    st = paper_styles(paper)
    width = content_width(paper)
    loc = report.shop.locale
    story: list[Flowable] = [Paragraph(markup(report.title), st.title),
                             Paragraph(markup(report.subtitle), st.body), blocks.gap(st.base)]
    if report.chart is not None and report.chart.labels:
        story += [bar_chart(report.chart, width, loc, content_height(paper) * 0.8),
                  blocks.gap(st.base)]
    if report.rows:
        story.append(_table(report, st, width))
    else:
        story.append(Paragraph("Nothing to report for this period.", st.body))
    if report.notes:
        story.append(blocks.section("Notes", blocks.bullets(report.notes, st), st))
    for part in report.follow:
        # The heading stays with the table's first rows; a long table then runs on.
        story.append(Paragraph(markup(part.title), st.h2.clone("part", keepWithNext=1)))
        story.append(_table(part, st, width) if part.rows else
                     Paragraph("None in this period.", st.body))
    chrome = Chrome(report.shop, report.title, report.subtitle,
                    footer_text(f"Printed {moment(report.printed_at, loc)}", report.shop))
    return build(story, chrome, paper=paper)
