"""The blocking halves of printing from the app (no Qt): run on a worker by PrintDesk."""

from __future__ import annotations

from dataclasses import dataclass

from printing.documents import PrintRequest, normalised, render_document, what_printed
from printing.jobs import PrintOutcome, goes_to, print_document, retry
from warranty_desk.config import PrinterSettings
from warranty_desk.permissions import Actor
from warranty_desk.services import print_jobs
from warranty_desk.services.print_jobs import PDF, PrintJobView
from warranty_desk.storage.database import Database

# A .pdf target only makes render_document pick a document's PDF form; nothing is written.
_PDF_FORM = "preview.pdf"
# What a job printed through the operating system's printing keeps as its target.
SYSTEM_PREFIX = "system:"


@dataclass(frozen=True, slots=True)
class Sheet:
    """A document rendered as a PDF, on its way to a system printer or a saved file."""

    document: str
    subject: str  # as the records write it (codes in capitals)
    copy: bool
    paper: str | None  # what it was rendered for: A4/Letter/A5 or a label size
    printer: str  # the system printer from the settings; "" is the default one
    pdf: bytes

    @property
    def what(self) -> str:
        """The document in words for notices: "warranty certificate for WD-… (copy)"."""
        if self.document == "report":
            return f"{self.subject.lower()} report"
        return what_printed(self.document, self.subject, self.copy)

    @property
    def file_name(self) -> str:
        """A name to offer when saving it."""
        return f"{self.document.replace('_', '-')}-{self.subject}.pdf"


def render_sheet(db: Database, actor: Actor, document: str, subject: str, paper: str | None,
                 printer: str) -> Sheet:
    """The PDF of a document; COPY when it was printed before, as the queue would mark it."""
    request = normalised(PrintRequest(document, subject, _PDF_FORM, paper=paper))
    copy = print_jobs.already_printed(db, request.document, request.subject)
    pdf, _media = render_document(db, actor, request, copy=copy)
    return Sheet(request.document, request.subject, copy, paper, printer, pdf)


def record_system_print(db: Database, actor: Actor, sheet: Sheet, printer: str
                        ) -> PrintJobView:
    """Every print is recorded: one the system printed goes in the queue already printed."""
    job = print_jobs.enqueue(db, actor, document=sheet.document, subject=sheet.subject,
                             copy=sheet.copy, target=SYSTEM_PREFIX + printer,
                             media_type=PDF, payload=sheet.pdf)
    return print_jobs.mark_printed(db, job.id, actor)


def save_sheet(db: Database, actor: Actor, sheet: Sheet, path: str) -> PrintOutcome:
    """Save the document as a PDF file through the print queue, so the save is recorded."""
    return print_document(db, actor, PrintRequest(sheet.document, sheet.subject, path,
                                                  paper=sheet.paper))


def print_each(db: Database, actor: Actor, requests: list[PrintRequest]
               ) -> list[PrintOutcome]:
    """Several receipt documents, one job each; a printer that fails leaves each one queued."""
    return [print_document(db, actor, request) for request in requests]


def retry_each(db: Database, actor: Actor, jobs: list[PrintJobView],
               printers: PrinterSettings) -> list[PrintOutcome]:
    """Retry waiting jobs oldest first, each to where it goes now; a printer that fails once
    this round is not asked again.

    Jobs usually pile up behind one printer out of paper: trying each of them against it would
    keep the person waiting a connect timeout per job for the same answer.
    """
    failed: set[str] = set()
    outcomes = []
    for job in jobs:
        target = goes_to(job, printers)
        if target in failed:
            continue
        outcome = retry(db, actor, job.id, printers=printers)
        if not outcome.delivered:
            failed.add(target)
        outcomes.append(outcome)
    return outcomes
