"""PDF documents drawn with reportlab: each a pure function from a frozen view to PDF bytes."""

from printing.pdf.certificate import render_certificate
from printing.pdf.charts import ReportChart
from printing.pdf.close_report import render_close_report_pdf
from printing.pdf.hand_back import render_hand_back_pdf
from printing.pdf.label import render_label
from printing.pdf.letter import render_letter_pdf
from printing.pdf.pages import LABEL_SIZES, PAPERS
from printing.pdf.report import ReportDoc, ReportPart, render_report_pdf
from printing.pdf.ticket import render_ticket_pdf

__all__ = [
    "LABEL_SIZES",
    "PAPERS",
    "ReportChart",
    "ReportDoc",
    "ReportPart",
    "render_certificate",
    "render_close_report_pdf",
    "render_hand_back_pdf",
    "render_label",
    "render_letter_pdf",
    "render_report_pdf",
    "render_ticket_pdf",
]
