"""Building blocks shared by the documents: banners, fact panels, lists, QR boxes, signatures."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from printing.pdf.codes import qr
from printing.pdf.style import ACCENT, BOLD, PANEL, REGULAR, RULE, TOTAL_BG, ZEBRA, Styles
from printing.pdf.text import markup, safe


def _grid(rows: Sequence[Sequence[object]], widths: Sequence[float],
          commands: Sequence[tuple[object, ...]], pad: float = 3.0) -> Table:
    table = Table([list(r) for r in rows], colWidths=list(widths))
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.8),
        *commands,
    ]))
    return table


def banner(text: str, st: Styles, ink: Color, fill: Color, width: float) -> Table:
    """A full-width coloured box with one bold line (COPY, VOID)."""
    para = Paragraph(markup(text), st.banner.clone("banner-ink", textColor=ink))
    return _grid([[para]], [width], [("BACKGROUND", (0, 0), (-1, -1), fill),
                                     ("BOX", (0, 0), (-1, -1), 1.2, ink)], pad=6)


def heading(text: str, st: Styles) -> Paragraph:
    """A section heading."""
    return Paragraph(markup(text), st.h2)


def section(title: str, body: Sequence[Flowable], st: Styles) -> KeepTogether:
    """A heading kept on the same page as (the start of) its content."""
    return KeepTogether([heading(title, st), *body])


def facts(pairs: Sequence[tuple[str, str]], st: Styles, width: float, columns: int = 2) -> Table:
    """Label/value pairs in a tinted panel, `columns` pairs across."""
    # The same label width for any number of columns: stacked panels line up.
    label_w = min(width / 2 * 0.34, st.base * 11)
    value_w = width / columns - label_w
    rows: list[list[object]] = []
    for i in range(0, len(pairs), columns):
        row: list[object] = []
        for label, value in pairs[i:i + columns]:
            row += [Paragraph(markup(label), st.label), Paragraph(markup(value), st.value)]
        rows.append(row + [""] * (2 * columns - len(row)))
    return _grid(rows, [label_w, value_w] * columns,
                 [("BACKGROUND", (0, 0), (-1, -1), PANEL)], pad=st.base * 0.5)


def bullets(items: Sequence[str], st: Styles) -> list[Flowable]:
    """One bulleted paragraph per item."""
    return [Paragraph(markup(item), st.bullet, bulletText="\u2022") for item in items]


def paragraphs(text: str, st: Styles) -> list[Flowable]:
    """Multi-paragraph text: blank lines separate paragraphs, single newlines break lines."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    return [Paragraph(markup(b).replace("\n", "<br/>"), st.body) for b in blocks if b]


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
          st: Styles, right: frozenset[int] = frozenset(), total: bool = False) -> Table:
    """A small table: accent header row, zebra stripes, numbers right-aligned; with total,
    the last row is the emphasised totals line."""
    def cell(text: str, col: int, bold: bool) -> Paragraph:
        body = f"<b>{markup(text)}</b>" if bold else markup(text)
        return Paragraph(body, st.cell_right if col in right else st.cell)

    heads = [Paragraph(markup(h), st.head.clone("head-r", alignment=2) if i in right
                       else st.head) for i, h in enumerate(header)]
    body = [[cell(v, c, total and n == len(rows) - 1) for c, v in enumerate(r)]
            for n, r in enumerate(rows)]
    emphasis: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG),
        ("LINEABOVE", (0, -1), (-1, -1), 1.2, ACCENT)] if total and rows else []
    return _grid([heads, *body], widths, [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, ZEBRA]),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        *emphasis,
    ], pad=st.base * 0.45)


def break_url(url: str, font: str, size: float, width: float) -> list[str]:
    """A long address cut after its slashes into lines that fit width (Paragraph only breaks
    at spaces, which would cut a URL at an arbitrary letter)."""
    lines: list[str] = []
    current = ""
    for part in url.replace("/", "/\n").split("\n"):
        if current and stringWidth(current + part, font, size) > width:
            lines.append(current)
            current = ""
        current += part
    return [*lines, current] if current else lines


def qr_box(url: str, caption: str, st: Styles, size: float, width: float) -> list[Flowable]:
    """A QR code with a caption and the address written out for those without a camera."""
    code: Drawing = qr(url, size=size)
    code.hAlign = "CENTER"
    lines = break_url(safe(url), REGULAR, st.caption.fontSize, width)
    address = "<br/>".join(escape(line) for line in lines)
    return [code, Paragraph(f"<b>{markup(caption)}</b><br/>{address}", st.caption)]


def beside(main: Sequence[Flowable], side: Sequence[Flowable], width: float,
           side_w: float) -> Table:
    """Two columns: main content, and a narrow column (a QR box) at its right."""
    return _grid([[list(main), list(side)]], [width - side_w, side_w],
                 [("LEFTPADDING", (0, 0), (0, -1), 0), ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
                  ("TOPPADDING", (0, 0), (-1, -1), 0)], pad=4)


def columns(parts: Sequence[Sequence[Flowable]], width: float, gutter: float) -> Table:
    """Equal columns side by side, tops aligned (e.g. key terms beside exclusions on A5)."""
    col = (width - gutter * (len(parts) - 1)) / len(parts)
    return _grid([[list(p) for p in parts]], [col + gutter] * (len(parts) - 1) + [col],
                 [("RIGHTPADDING", (0, 0), (-2, -1), gutter),
                  ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
                  ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0)])


def signature(label: str, date_text: str, st: Styles, width: float) -> Table:
    """A line to sign on and the date, for the shop to sign."""
    return _grid(
        [["", "", safe(date_text)],
         [Paragraph(markup(label), st.muted), "", Paragraph("Date", st.muted)]],
        [width * 0.55, width * 0.1, width * 0.35],
        [("LINEABOVE", (0, 1), (0, 1), 0.8, ACCENT), ("LINEABOVE", (2, 1), (2, 1), 0.8, ACCENT),
         ("FONT", (2, 0), (2, 0), BOLD, st.base), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
         ("TOPPADDING", (0, 0), (-1, 0), st.base * 2.5)], pad=2)


def gap(points: float) -> Spacer:
    """Vertical space."""
    return Spacer(1, points)
