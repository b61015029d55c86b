"""The handover receipt PDF: which unit went back to whom, in what state, and their confirmation."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from printing.formatting import moment
from printing.hand_back_words import received_words
from printing.pdf import blocks
from printing.pdf.document import Chrome, Watermark, build, content_width, footer_text, paper_styles
from printing.pdf.header import fitted_image
from printing.pdf.parts import numbered_opening, product_line
from printing.pdf.style import COPY_BG, Styles
from printing.pdf.text import markup
from warranty_desk.printables import HandBackView

_COPY_MARK = Watermark("COPY", COPY_BG)


def _opening(view: HandBackView, st: Styles, width: float) -> list[Flowable]:
    loc = view.shop.locale
    story = numbered_opening("Handover receipt", view.receipt_number, (
        f"COPY \u2014 reprinted {moment(view.printed_at, loc)}. Same handover; not a second one."
        if view.copy else None), st, width)
    people = [("Claim", view.claim_number), ("Handed back", moment(view.handed_at, loc)),
              ("Handed over by", view.handed_by), ("Collected by", view.collected_by)]
    if view.on_behalf_proof:
        people += [("For", view.customer_name or "the owner"), ("Proof", view.on_behalf_proof)]
    story.append(blocks.facts(people, st, width))
    return story


def _unit(view: HandBackView, st: Styles, width: float) -> Flowable:
    rows = [("Unit", product_line(view.brand, view.product_name)),
            ("Serial number", view.serial or "not recorded"), ("Outcome", view.outcome),
            ("Accessories", ", ".join(view.accessories) or "Unit only")]
    if view.accessories_missing:
        rows.append(("Not handed back", ", ".join(view.accessories_missing)))
    rows.append(("Condition", view.condition))
    what = "The replacement unit" if view.unit == "replacement" else "The unit handed back"
    return blocks.section(what, [blocks.facts(rows, st, width, columns=1)], st)


def _confirmation(view: HandBackView, st: Styles, width: float) -> Flowable:
    loc = view.shop.locale
    body: list[Flowable] = [Paragraph(markup(received_words(view)), st.body)]
    drawn = (fitted_image(view.signature_png, width * 0.5, st.base * 6)
             if view.signature_png else None)
    if drawn is not None:
        drawn.hAlign = "LEFT"
        body += [blocks.gap(st.base * 0.5), drawn,
                 Paragraph(markup(f"Signed on screen by {view.collected_by}, "
                                  f"{moment(view.handed_at, loc)}"), st.muted)]
    else:
        body += [blocks.gap(st.base),
                 blocks.signature(f"Signature of {view.collected_by}",
                                  moment(view.handed_at, loc), st, width)]
    return blocks.section("Customer's confirmation", body, st)


def render_hand_back_pdf(view: HandBackView, *, paper: str = "A5") -> bytes:
    """The handover receipt as PDF bytes."""
    st = paper_styles(paper)
    width = content_width(paper)
    story = [*_opening(view, st, width), _unit(view, st, width), _confirmation(view, st, width)]
    printed = f"Printed {moment(view.printed_at, view.shop.locale)}"
    chrome = Chrome(view.shop, "Handover receipt", view.receipt_number,
                    footer_text(printed, view.shop, copy=view.copy),
                    _COPY_MARK if view.copy else None)
    return build(story, chrome, paper=paper)
