"""One builder for every paper document: header, footer with "Page x of N", watermark."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from printing.pdf.fit import ELLIPSIS
from printing.pdf.fonts import WIDE
from printing.pdf.header import shop_header
from printing.pdf.pages import paper_size
from printing.pdf.style import BOLD, MUTED, REGULAR, RULE, Styles, styles
from printing.pdf.text import face_runs, safe
from warranty_desk.printables import ShopHeader


@dataclass(frozen=True, slots=True)
class Watermark:
    """A big diagonal word behind the content of every page (COPY, VOID)."""

    text: str
    color: Color


@dataclass(frozen=True, slots=True)
class Chrome:
    """What every page of a document carries around its content."""

    shop: ShopHeader
    title: str  # the PDF's title, and the first line at the header's right
    reference: str  # e.g. the warranty code: page 2 still says whose it is
    footer: str  # left of the footer, e.g. "Printed 22 Nov 2026, 14:05"
    watermark: Watermark | None = None


def shop_and_branch(shop: ShopHeader) -> str:
    """The shop's name and its branch, the branch left out when the name already says it
    ("North" of "North", or "Galway" of "Harbour Electronics Galway")."""
    name, branch = shop.name.strip(), shop.branch_name.strip()
    if not branch or re.search(rf"(?<!\w){re.escape(branch)}(?!\w)", name, re.IGNORECASE):
        return name
    return f"{name}, {branch}" if name else branch


def footer_text(printed: str, shop: ShopHeader, *, copy: bool = False) -> str:
    """The footer's left text: when it was printed, by which shop, and COPY on a reprint."""
    return " \u00b7 ".join(x for x in (printed, shop_and_branch(shop), "COPY" if copy else "")
                           if x)


def compact(paper: str) -> bool:
    """A5 gets smaller type and margins."""
    return paper == "A5"


def margin(paper: str) -> float:
    """The page margin in points: narrower on A5 to keep a useful measure."""
    return 28.0 if compact(paper) else 50.0


def content_width(paper: str) -> float:
    """The width flowables get on a paper."""
    return paper_size(paper)[0] - 2 * margin(paper)


def content_height(paper: str) -> float:
    """A safe height for one unsplittable flowable (a chart): the page less margins, header and
    footer, with room for a tall logo."""
    return paper_size(paper)[1] - 2 * margin(paper) - 140


def paper_styles(paper: str) -> Styles:
    """The cached styles for a paper (validating its name first)."""
    paper_size(paper)
    return styles(compact(paper))


def build(story: Sequence[Flowable], chrome: Chrome, *, paper: str) -> bytes:
    """Lay out story on paper-sized pages and return the PDF bytes."""
    page_w, page_h = paper_size(paper)
    st = styles(compact(paper))
    edge = margin(paper)
    width = content_width(paper)
    header = shop_header(chrome.shop, st, width, f"{chrome.title}\n{chrome.reference}")
    _, header_h = header.wrap(width, page_h)
    frame_top = page_h - edge - header_h - 14
    frame_bottom = edge + 24
    footer_size = st.base * 0.8

    def on_page(canv: Canvas, doc: BaseDocTemplate) -> None:
        canv.saveState()
        if chrome.watermark is not None:
            _watermark(canv, chrome.watermark, page_w, page_h)
        header.drawOn(canv, edge, page_h - edge - header_h)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.8)
        rule_y = page_h - edge - header_h - 7
        canv.line(edge, rule_y, page_w - edge, rule_y)
        canv.line(edge, edge + 9, page_w - edge, edge + 9)
        canv.setFillColor(MUTED)
        # The left text gives way to "Page x of N" rather than running into it.
        _draw_runs(canv, edge, edge, chrome.footer, footer_size, width - footer_size * 9)
        # "of N" is unknown until the end: each page shows a form that is filled in at save.
        canv.doForm(f"page-of-{canv.getPageNumber()}")
        canv.restoreState()

    out = BytesIO()
    doc = BaseDocTemplate(
        out, pagesize=(page_w, page_h), title=safe(f"{chrome.title} {chrome.reference}"),
        author=safe(chrome.shop.name), creator="Warranty Desk",
        invariant=1)  # fixed dates and ids: the same view gives the same bytes
    frame = Frame(edge, frame_bottom, width, frame_top - frame_bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    # reportlab's own multiBuild uses this switch: we save after drawing the page-count forms.
    doc._doSave = 0
    doc.build(list(story))
    canv: Canvas = doc.canv
    pages = canv.getPageNumber() - 1
    for n in range(1, pages + 1):
        canv.beginForm(f"page-of-{n}")
        canv.setFont(REGULAR, footer_size)
        canv.setFillColor(MUTED)
        canv.drawRightString(page_w - edge, edge, f"Page {n} of {pages}")
        canv.endForm()
    canv.save()
    return out.getvalue()


def _draw_runs(canv: Canvas, x: float, y: float, text: str, size: float, width: float) -> None:
    """One line of text, a Chinese, Japanese or Korean run in its own face, cut with an
    ellipsis where it would pass `width`."""
    runs = [(run, WIDE if wide else REGULAR) for run, wide in face_runs(text)]
    if sum(stringWidth(run, face, size) for run, face in runs) > width:
        room = width - stringWidth(ELLIPSIS, REGULAR, size)
        kept: list[tuple[str, str]] = []
        used = 0.0
        for whole, face in runs:
            run = whole
            while run and used + stringWidth(run, face, size) > room:
                run = run[:-1]
            if run:
                kept.append((run.rstrip(), face))
                used += stringWidth(run, face, size)
            if run != whole:  # this run was cut: the ellipsis ends the line here
                break
        runs = [*kept, (ELLIPSIS, REGULAR)]
    for run, face in runs:
        canv.setFont(face, size)
        canv.drawString(x, y, run)
        x += stringWidth(run, face, size)


def _watermark(canv: Canvas, mark: Watermark, page_w: float, page_h: float) -> None:
    canv.saveState()
    canv.setFillColor(mark.color)
    canv.setFont(BOLD, min(page_w, page_h) * 0.3)
    canv.translate(page_w / 2, page_h / 2)
    canv.rotate(35)
    canv.drawCentredString(0, -min(page_w, page_h) * 0.1, mark.text)
    canv.restoreState()
