"""Which document comes in which format, and rendering one for the printer it is going to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from printing.targets import Target, parse_target
from warranty_desk.errors import BadInput
from warranty_desk.permissions import Actor
from warranty_desk.printables import (
    CloseReportView,
    HandBackView,
    LabelView,
    LetterView,
    SlipView,
    TicketView,
)
from warranty_desk.services import letters, printables, shop_settings
from warranty_desk.services.print_jobs import ESCPOS, PDF
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

# What each document is called on paper and in messages.
NAMES = {
    "slip": "warranty slip",
    "certificate": "warranty certificate",
    "ticket": "claim ticket",
    "label": "return label",
    "close_report": "close report",
    "letter": "letter",
    "handover": "handover receipt",
    "brand_packet": "brand packet",
}
# The formats each document has; the target decides which one is rendered.
FORMATS: dict[str, tuple[str, ...]] = {
    "slip": (ESCPOS,),
    "certificate": (PDF,),
    "ticket": (ESCPOS, PDF),
    "label": (PDF,),
    "close_report": (ESCPOS, PDF),
    "letter": (ESCPOS, PDF),
    "handover": (ESCPOS, PDF),
    "brand_packet": (PDF,),
}
DEFAULT_WIDTH_MM = 80

_INSTEAD = {
    "slip": "A warranty slip is for the receipt printer: send it to tcp://…, serial://… or a "
            ".bin file. For a PDF, print the warranty certificate.",
    "certificate": "A warranty certificate is a PDF page: send it to a .pdf file (for example "
                   "certificate.pdf) and print that on the office printer. For the receipt "
                   "printer, print the warranty slip.",
    "label": "A return label is a PDF for the label printer: send it to a .pdf file (for "
             "example label.pdf).",
    "brand_packet": "A brand packet is a PDF page set for the document printer: send it to a "
                    ".pdf file (for example packet.pdf).",
}


@dataclass(frozen=True, slots=True)
class PrintRequest:
    """One document for one subject, to one target, as a person asked for it."""

    document: str  # slip | certificate | ticket | label | close_report | letter | handover |
    # brand_packet
    # warranty code, claim number (ticket, label, handover), ISO day (close report), message
    # id (letter), brand claim number (brand packet)
    subject: str
    target: str  # as parse_target reads it
    paper: str | None = None  # A4/Letter/A5 for PDFs; 62x29mm/4x6in for labels
    width_mm: int = DEFAULT_WIDTH_MM  # the receipt roll: 58 or 80


def document_name(document: str) -> str:
    """The document in words: "warranty slip"."""
    return NAMES.get(document, document.replace("_", " "))


def what_printed(document: str, subject: str, copy: bool) -> str:
    """The print in words for notices: "warranty slip for BR01-W-… (copy)"; a letter is named by
    the end of its message id, which nobody reads aloud."""
    which = (f"letter (message {subject[-8:]})" if document == "letter"
             else f"{document_name(document)} for {subject}")
    return which + (" (copy)" if copy else "")


def normalised(request: PrintRequest) -> PrintRequest:
    """The request with its subject as the records write it, checked before any work."""
    if request.document not in FORMATS:
        raise BadInput(f"There is no document called {request.document!r}: print one of "
                       f"{', '.join(FORMATS)}.")
    subject = request.subject.strip()
    if not subject:
        raise BadInput(f"Say which {document_name(request.document)} to print.")
    # Codes are printed in capitals; a typed lower-case code is the same document.
    # A message id is hex, kept as the messages table writes it.
    subject = (_day(subject).isoformat() if request.document == "close_report"
               else subject.lower() if request.document == "letter" else subject.upper())
    return PrintRequest(request.document, subject, request.target, request.paper,
                        request.width_mm)


def media_type(document: str, target: Target) -> str:
    """The format this document takes on this target, or BadInput saying what to use."""
    wanted = PDF if target.is_pdf else ESCPOS
    if wanted not in FORMATS.get(document, ()):
        raise BadInput(_INSTEAD.get(document, f"A {document_name(document)} cannot be "
                                              "printed there."))
    return wanted


def render_document(db: Database, actor: Actor, request: PrintRequest, *, copy: bool,
                    documents: DocumentStore | None = None) -> tuple[bytes, str]:
    """The document's bytes for its target, and their media type.

    `documents` is where the shop's logo is kept; without it the header prints no logo.
    """
    request = normalised(request)
    media = media_type(request.document, parse_target(request.target))
    views = _Views(db, actor, request.subject, copy, documents)
    if media == ESCPOS:
        return _escpos(views, request), ESCPOS
    return _pdf(views, request), PDF


@dataclass(frozen=True, slots=True)
class _Views:
    """The view for the request's subject, built only for the document asked for."""

    db: Database
    actor: Actor
    subject: str
    copy: bool
    documents: DocumentStore | None

    def slip(self) -> SlipView:
        return printables.slip_view(self.db, self.actor, self.subject, copy=self.copy,
                                    documents=self.documents)

    def ticket(self) -> TicketView:
        return printables.ticket_view(self.db, self.actor, self.subject, copy=self.copy,
                                      documents=self.documents)

    def hand_back(self) -> HandBackView:
        return printables.hand_back_view(self.db, self.actor, self.subject, copy=self.copy,
                                         documents=self.documents)

    def label(self) -> LabelView:
        return printables.label_view(self.db, self.actor, self.subject)

    def locale(self) -> str:
        # The label view carries no shop header, so its dates need the shop's locale apart.
        return shop_settings.get_shop(self.db).locale

    def letter(self) -> LetterView:
        return letters.letter_view(self.db, self.actor, self.subject, copy=self.copy,
                                   documents=self.documents)

    def close_report(self) -> CloseReportView:
        return printables.close_report_view(self.db, self.actor, _day(self.subject),
                                            documents=self.documents)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{text!r} is not a day: write it like 2026-11-22.") from None


def _escpos(views: _Views, request: PrintRequest) -> bytes:
    # Imported here: a layout is loaded only when a document of its kind is printed.
    from printing import escpos

    if request.paper is not None:
        raise BadInput(f"The {document_name(request.document)} is going to the receipt "
                       "printer, which has no paper sizes: leave the paper size out, or send "
                       "it to a .pdf file.")
    if request.width_mm not in escpos.WIDTHS_MM:
        raise BadInput(f"A receipt roll is {' or '.join(map(str, escpos.WIDTHS_MM))} mm wide, "
                       f"not {request.width_mm} mm.")
    width = request.width_mm
    if request.document == "slip":
        return escpos.render_slip(views.slip(), width_mm=width)
    if request.document == "ticket":
        return escpos.render_ticket(views.ticket(), width_mm=width)
    if request.document == "letter":
        return escpos.render_letter(views.letter(), width_mm=width)
    if request.document == "handover":
        return escpos.render_hand_back(views.hand_back(), width_mm=width)
    return escpos.render_close_report(views.close_report(), width_mm=width)


def _pdf(views: _Views, request: PrintRequest) -> bytes:
    # reportlab is slow to import; the counter app pays for it only on its first PDF.
    from printing import pdf

    if request.width_mm != DEFAULT_WIDTH_MM:
        raise BadInput("A roll width is for the receipt printer; a PDF takes a paper size "
                       "instead.")
    paper = request.paper
    if request.document == "label":
        if paper is not None and paper not in pdf.LABEL_SIZES:
            raise BadInput(f"{paper!r} is not a label size: use {' or '.join(pdf.LABEL_SIZES)}.")
        size = {} if paper is None else {"size": paper}
        return pdf.render_label(views.label(), locale=views.locale(), **size)
    if paper is not None and paper not in pdf.PAPERS:
        raise BadInput(f"{paper!r} is not a paper size: use {', '.join(pdf.PAPERS)}.")
    # Left out, each layout uses its own default paper.
    sheet = {} if paper is None else {"paper": paper}
    if request.document == "certificate":
        return pdf.render_certificate(views.slip(), **sheet)
    if request.document == "ticket":
        return pdf.render_ticket_pdf(views.ticket(), **sheet)
    if request.document == "handover":
        return pdf.render_hand_back_pdf(views.hand_back(), **sheet)
    if request.document == "letter":
        return pdf.render_letter_pdf(views.letter(), **sheet)
    if request.document == "brand_packet":
        from printing.brand_packets import packet_pdf

        return packet_pdf(views.db, views.actor, views.subject, documents=views.documents,
                          **sheet)
    return pdf.render_close_report_pdf(views.close_report(), **sheet)
