"""The claim drop-off ticket PDF: what the customer left with us, and how to follow the claim."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from printing.formatting import day, moment
from printing.pdf import blocks
from printing.pdf.document import Chrome, Watermark, build, content_width, footer_text, paper_styles
from printing.pdf.parts import numbered_opening, product_line
from printing.pdf.style import COPY_BG, ITALIC, Styles
from printing.pdf.text import markup
from warranty_desk.printables import TicketView

_COPY_MARK = Watermark("COPY", COPY_BG)
NO_DATE_YET = "We will call you with a date"
UNIT_ONLY = "Unit only"
_CHANNELS = {"counter": "The counter", "phone": "Phone", "portal": "Online portal",
             "online_order": "Online order", "online": "Online return"}


def channel_name(channel: str) -> str:
    """How the claim reached us, in words."""
    return _CHANNELS.get(channel, channel.replace("_", " ").capitalize())


def _opening(view: TicketView, st: Styles, width: float) -> list[Flowable]:
    loc = view.shop.locale
    story = numbered_opening("Claim drop-off ticket", view.claim_number, (
        f"COPY \u2014 reprinted {moment(view.printed_at, loc)}. Same claim; not a second one."
        if view.copy else None), st, width)
    ready = day(view.promised_on, loc) if view.promised_on else NO_DATE_YET
    story.append(blocks.facts([
        ("Customer", view.customer_name or "not recorded"),
        ("Phone", view.customer_phone or "not recorded"),
        ("Opened", moment(view.opened_at, loc)), ("Opened via", channel_name(view.channel)),
        ("Received by", view.received_by), ("Ready by", ready),
    ], st, width))
    return story


def _received(view: TicketView, st: Styles, width: float) -> list[Flowable]:
    unit = product_line(view.brand, view.product_name)
    rows = [("Unit", unit + (f" ({view.sku})" if view.sku else "")),
            ("Serial number", view.serial or "not recorded"),
            ("Warranty", view.warranty_code or "no warranty found"),
            ("Accessories", view.accessories.strip() or UNIT_ONLY),
            ("Visible condition", view.condition.strip() or "not recorded")]
    fault = Paragraph(f"\u201c{markup(view.fault.strip())}\u201d",
                      st.body.clone("fault", fontName=ITALIC, fontSize=st.base * 1.1,
                                    leading=st.base * 1.45))
    return [blocks.section("What we received", [blocks.facts(rows, st, width, columns=1)], st),
            blocks.section("The fault, as you told us", [fault], st)]


def _follow(view: TicketView, st: Styles, width: float) -> Flowable:
    loc = view.shop.locale
    ready = (f"We aim to have it ready by {day(view.promised_on, loc)}." if view.promised_on
             else f"{NO_DATE_YET}.")
    text = [Paragraph(f"<b>{markup(ready)}</b>", st.body), *blocks.paragraphs(
        view.how_to_follow, st)]
    text.append(Paragraph("Keep this ticket and bring it when you collect the unit.", st.muted))
    received = f"Received by {view.received_by}"
    signed = day(view.opened_at.date(), loc)
    if not view.portal_url:
        return blocks.section("How to follow your claim", [
            *text, blocks.gap(st.base), blocks.signature(received, signed, st, width)], st)
    qr_size = st.base * 9
    side_w = qr_size + st.base * 9
    side = blocks.qr_box(view.portal_url, "Scan to follow your claim", st, qr_size, side_w)
    text.append(blocks.signature(received, signed, st, width - side_w))
    return blocks.section("How to follow your claim", [blocks.beside(text, side, width, side_w)],
                          st)


def render_ticket_pdf(view: TicketView, *, paper: str = "A4") -> bytes:
    """The claim drop-off ticket as PDF bytes."""
    st = paper_styles(paper)
    width = content_width(paper)
    story = [*_opening(view, st, width), *_received(view, st, width), _follow(view, st, width)]
    printed = f"Printed {moment(view.printed_at, view.shop.locale)}"
    chrome = Chrome(view.shop, "Claim drop-off ticket", view.claim_number,
                    footer_text(printed, view.shop, copy=view.copy),
                    _COPY_MARK if view.copy else None)
    return build(story, chrome, paper=paper)
