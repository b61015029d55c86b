"""A customer message as a letter on the shop's letterhead: to whom, the date, the subject, the
words, and the claim it is about."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from printing.formatting import moment
from printing.pdf import blocks
from printing.pdf.document import (
    Chrome,
    Watermark,
    build,
    content_width,
    footer_text,
    paper_styles,
)
from printing.pdf.parts import banners
from printing.pdf.style import COPY_BG, Styles
from printing.pdf.text import markup
from warranty_desk.locales import written_day
from warranty_desk.printables import LetterView

_COPY_MARK = Watermark("COPY", COPY_BG)


def _address_and_date(view: LetterView, st: Styles, width: float) -> Table:
    """The customer at the left where a window envelope shows it, the date at the right."""
    to = [Paragraph(markup(view.customer_name), st.body.clone("to", fontSize=st.base * 1.15,
                                                            leading=st.base * 1.5))
          ] if view.customer_name else []
    dated = Paragraph(markup(written_day(view.written_on, view.shop.locale)),
                      st.body.clone("dated", alignment=2))
    table = Table([[to, dated]], colWidths=[width * 0.6, width * 0.4])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _words(text: str, st: Styles) -> list[Flowable]:
    # A letter is read, not scanned: a size up from the forms, paragraphs apart.
    size = st.base * 1.2
    style = st.body.clone("letter", fontSize=size, leading=size * 1.4, spaceAfter=size * 0.8)
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    return [Paragraph(markup(p).replace("\n", "<br/>"), style) for p in paragraphs if p]


def render_letter_pdf(view: LetterView, *, paper: str = "A4") -> bytes:
    """The letter as PDF bytes; a copy says so at the top and across the page."""
    st = paper_styles(paper)
    width = content_width(paper)
    printed = f"Printed {moment(view.printed_at, view.shop.locale)}"
    note = f"COPY \u2014 {view.copy_note or 'a reprint.'} {printed}."
    story: list[Flowable] = banners(void=None, copy=note if view.copy else None, st=st,
                                    width=width)
    story += [blocks.gap(st.base * 2), _address_and_date(view, st, width),
              blocks.gap(st.base * 2.5)]
    if view.claim_number:
        story.append(Paragraph(markup(f"Your claim: {view.claim_number}"), st.muted))
    subject = st.h2.clone("letter-subject", fontSize=st.base * 1.35, leading=st.base * 1.7)
    story += [Paragraph(markup(view.subject), subject), blocks.gap(st.base * 0.6),
              *_words(view.body, st)]
    reference = f"Claim {view.claim_number}" if view.claim_number else ""
    chrome = Chrome(view.shop, "Letter", reference,
                    footer_text(printed, view.shop, copy=view.copy),
                    _COPY_MARK if view.copy else None)
    return build(story, chrome, paper=paper)
