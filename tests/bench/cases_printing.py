"""Budgets for paper (DESIGN.md): a slip's ESC/POS bytes (≤ 2 ms) and a certificate PDF (≤ 50 ms).

The floors are the libraries alone doing the same drawing: python-escpos printing the slip's
lines, barcode and QR with no layout; reportlab drawing the certificate's lines, barcode and
QR straight onto one canvas page. The ratio is the cost of our layout on top of them.
"""

from __future__ import annotations

import contextlib
import io

from escpos.printer import Dummy
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from printing.escpos import render_slip
from printing.pdf import render_certificate
from tests.bench.harness import Result, measure
from tests.printing.samples import SLIP
from warranty_desk.printables import SlipView

SLIP_BUDGET_MS = 2.0
CERTIFICATE_BUDGET_MS = 50.0


def _facts(view: SlipView) -> list[str]:
    return [view.shop.name, view.shop.address, view.warranty_code, view.invoice_number,
            view.product_name, view.serial or "", view.customer_name or "",
            f"{view.start_on} - {view.end_on}", *(f"{layer.kind} {layer.start_on} {layer.end_on}"
                                                  for layer in view.layers),
            *view.key_terms, *view.exclusions, view.how_to_claim]


def escpos_floor(view: SlipView) -> bytes:
    """python-escpos alone: the same lines, barcode and QR, no wrapping or formatting."""
    printer = Dummy()
    with contextlib.redirect_stdout(io.StringIO()):  # escpos announces its barcode renderer
        _escpos_lines(printer, view)
    return bytes(printer.output)


def _escpos_lines(printer: Dummy, view: SlipView) -> None:
    for line in _facts(view):
        printer.text(line + "\n")
    printer.barcode("{B" + view.warranty_code, "CODE128", function_type="B")
    if view.portal_url:
        printer.qr(view.portal_url, native=True)
    printer.cut()


def pdf_floor(view: SlipView) -> bytes:
    """reportlab alone: the same lines, a Code128 and a QR drawn on one canvas page."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    y = 800.0
    for line in [*_facts(view), view.terms]:
        canvas.drawString(40, y, line[:110])
        y -= 14
    code128.Code128(view.warranty_code, barHeight=40).drawOn(canvas, 40, 120)
    if view.portal_url:
        qr = Drawing(90, 90)
        qr.add(QrCodeWidget(view.portal_url, barWidth=90, barHeight=90))
        renderPDF.draw(qr, canvas, 450, 100)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def run(*, runs: int) -> list[Result]:
    """Both budgets, each with its floor measured in the same run."""
    results = []
    for width in (58, 80):
        slip = measure(lambda w=width: render_slip(SLIP, width_mm=w), runs=runs)
        floor = measure(lambda: escpos_floor(SLIP), runs=runs)
        results.append(Result(
            name=f"render warranty slip, {width} mm (ESC/POS)", budget=f"≤ {SLIP_BUDGET_MS:g} ms",
            measured=slip, floor=floor, floor_name="python-escpos, same lines",
            passed=slip.median_ms <= SLIP_BUDGET_MS,
            extra={"bytes": len(render_slip(SLIP, width_mm=width))}))
    for paper in ("A4", "A5"):
        cert = measure(lambda p=paper: render_certificate(SLIP, paper=p), runs=runs)
        floor = measure(lambda: pdf_floor(SLIP), runs=runs)
        results.append(Result(
            name=f"render warranty certificate, {paper} (PDF)",
            budget=f"≤ {CERTIFICATE_BUDGET_MS:g} ms",
            measured=cert, floor=floor, floor_name="reportlab canvas, same content",
            passed=cert.median_ms <= CERTIFICATE_BUDGET_MS,
            extra={"bytes": len(render_certificate(SLIP, paper=paper))}))
    return results
