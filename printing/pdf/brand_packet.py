"""The brand packet PDF: the brand claim's facts, its units in the brand's own columns, each
unit's fault and evidence, and the packer's signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from reportlab.platypus import Flowable, Paragraph

from printing.formatting import day, moment
from printing.pdf import blocks
from printing.pdf.codes import code128
from printing.pdf.document import Chrome, build, content_width, paper_styles
from printing.pdf.parts import title_and_code
from printing.pdf.report import column_widths
from printing.pdf.style import ACCENT, Styles
from printing.pdf.text import markup
from warranty_desk.printables import ShopHeader
from warranty_desk.services.brand_packet import Packet


@dataclass(frozen=True, slots=True)
class PacketDoc:
    """A packet with what paper adds: the letterhead, who packed it, the shop's wall clock."""

    packet: Packet
    shop: ShopHeader
    printed_at: datetime  # on the shop's wall clock
    zone: ZoneInfo
    packed_by: str


# Long cells read better under each unit than squeezed into the table; what is the same on
# every line (the brand claim's own numbers and names) is in the facts above it.
_LEFT_OUT = ("fault", "evidence", "brand_claim", "external_id", "supplier", "brand",
             "service_centre")


def _opening(doc: PacketDoc, st: Styles, width: float) -> list[Flowable]:
    packet = doc.packet
    claim = packet.claim
    loc = doc.shop.locale
    code = code128(claim.number, font_size=st.base, height=st.base * 3.6)
    title = [Paragraph("Warranty claim to the brand", st.title),
             Paragraph(markup(claim.number), st.big.clone("packet-number", textColor=ACCENT))]
    facts = [
        ("Brand", claim.brand), ("Supplier", claim.supplier),
        ("Brand's claim ID", claim.external_id or "not given yet"),
        ("Service centre", claim.service_centre or "not named"),
        ("Lodged", day(claim.submitted_at.astimezone(doc.zone).date(), loc)),
        ("Status", f"{claim.status.replace('_', ' ')} ({claim.status_words})"),
        ("Units", str(len(claim.lines))), ("Amount claimed", packet.expected_text),
    ]
    return [*title_and_code(title, code, width, gap=st.base * 0.5), blocks.gap(st.base),
            blocks.facts(facts, st, width), blocks.gap(st.base)]


def _units(doc: PacketDoc, st: Styles, width: float) -> Flowable:
    packet = doc.packet
    keep = [n for n, (_, field) in enumerate(packet.profile.columns) if field not in _LEFT_OUT]
    heads = ["#", *(packet.headings[n] for n in keep)]
    rows = [[str(i), *(row[n] for n in keep)] for i, row in enumerate(packet.rows, start=1)]
    widths = column_widths(heads, rows, width, st.cell.fontSize)
    amount = [n + 1 for n, i in enumerate(keep) if packet.profile.columns[i][1] == "expected"]
    table = blocks.table(heads, rows, widths, st, right=frozenset(amount))
    return blocks.section(f"Units ({packet.profile.name} layout)", [table], st)


def _faults(doc: PacketDoc, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [blocks.heading("Faults and evidence", st)]
    for i, line in enumerate(doc.packet.claim.lines, start=1):
        if i > 1:
            story.append(blocks.gap(st.base * 0.6))
        said = f"<b>{i}. {markup(line.serial or 'no serial')}</b> \u2014 {markup(line.product)}"
        story.append(Paragraph(said, st.body))
        story.append(Paragraph(f"Fault: \u201c{markup(line.fault.strip())}\u201d", st.body))
        story += blocks.bullets(line.evidence or ("No documents on the claim.",), st)
        if line.not_recoverable:
            story.append(Paragraph(markup(f"Not claimed: {line.not_recoverable}."), st.muted))
    return story


def render_packet_pdf(doc: PacketDoc, *, paper: str = "A4") -> bytes:
    """The brand packet as PDF bytes."""
    st = paper_styles(paper)
    width = content_width(paper)
    story = [*_opening(doc, st, width), _units(doc, st, width), blocks.gap(st.base),
             *_faults(doc, st), blocks.gap(st.base * 1.5),
             blocks.signature(f"Packed by {doc.packed_by}",
                              day(doc.printed_at.date(), doc.shop.locale), st, width)]
    claim = doc.packet.claim
    chrome = Chrome(doc.shop, "Brand claim packet", claim.number,
                    f"Printed {moment(doc.printed_at, doc.shop.locale)} \u00b7 {doc.shop.name}, "
                    f"{doc.shop.branch_name} \u00b7 {claim.supplier}")
    return build(story, chrome, paper=paper)
