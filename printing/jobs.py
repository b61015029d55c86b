"""Printing a document: render it, record it in the queue, send it, and mark how it went."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from printing.backends import open_backend
from printing.documents import (
    DEFAULT_WIDTH_MM,
    PrintRequest,
    document_name,
    normalised,
    render_document,
    what_printed,
)
from printing.targets import FILE, Target, missing_folder, parse_target
from warranty_desk.config import PrinterSettings
from warranty_desk.errors import BadInput, DeviceUnavailable
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.sentences import sentences
from warranty_desk.services import print_jobs
from warranty_desk.services.print_jobs import ESCPOS, PrintJobView
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

__all__ = ["DEFAULT_WIDTH_MM", "PrintOutcome", "PrintRequest", "goes_to", "print_document",
           "retry"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """How a print went; `message` is the sentence to show the person who asked."""

    job: PrintJobView
    delivered: bool
    message: str


def print_document(db: Database, actor: Actor, request: PrintRequest, *,
                   documents: DocumentStore | None = None) -> PrintOutcome:
    """Print one document; a printer that is not there leaves the job queued, not lost.

    Blocking: the counter app runs it on a worker thread. Bad input, an unknown code or a
    missing permission raise before anything is recorded. `documents` holds the shop's logo.
    """
    require(actor, Permission.PRINT)
    request = normalised(request)
    target = parse_target(request.target)
    folder = missing_folder(target)
    if folder is not None:
        # A file cannot wait for its folder the way a printer waits to be switched on.
        what = document_name(request.document)
        raise BadInput(f"The folder {folder} does not exist, so the {what} cannot be saved "
                       "there. Create the folder first, or give a file in a folder that "
                       "exists. Nothing was printed or queued.")
    copy = print_jobs.already_printed(db, request.document, request.subject)
    payload, media = render_document(db, actor, request, copy=copy, documents=documents)
    job = print_jobs.enqueue(db, actor, document=request.document, subject=request.subject,
                             copy=copy, target=str(target), media_type=media, payload=payload)
    return _send(db, actor, job, target, payload)


def goes_to(job: PrintJobView, printers: PrinterSettings | None) -> str:
    """Where a retry sends a waiting job: a receipt document to the receipt printer set up now
    (its address may have been corrected in Settings > Devices since the job failed); a saved
    PDF, or any job when no settings are given, to where it was sent first."""
    if printers is None or job.media_type != ESCPOS or not printers.receipt:
        return job.target
    try:
        return str(parse_target(printers.receipt))
    except BadInput:
        return printers.receipt  # sending says what is wrong with it, in plain words


def retry(db: Database, actor: Actor, job_id: str, *,
          printers: PrinterSettings | None = None) -> PrintOutcome:
    """Send a queued job's stored bytes again, to where it goes now (see goes_to); a job that
    moves to another printer is re-addressed, and the move audited, before it is sent."""
    require(actor, Permission.PRINT)
    job, payload = print_jobs.payload_of(db, job_id)
    target = parse_target(goes_to(job, printers))
    if str(target) != job.target:
        job = print_jobs.send_to(db, actor, job.id, str(target))
    return _send(db, actor, job, target, payload)


def _send(db: Database, actor: Actor, job: PrintJobView, target: Target, payload: bytes
          ) -> PrintOutcome:
    what = what_printed(job.document, job.subject, job.copy)
    backend = open_backend(target)
    try:
        backend.deliver(payload)
    except DeviceUnavailable as exc:
        log.info("print job %s to %s failed: %s", job.id, job.target, exc)
        failed = print_jobs.mark_failed(db, job.id, str(exc))
        return PrintOutcome(failed, False, sentences(
            str(exc), f"The {what} waits in the print queue as job {job.short_id}; retry it "
            "from the queue."))
    finally:
        backend.close()
    done = print_jobs.mark_printed(db, job.id, actor)
    if target.kind == FILE and not target.is_device:
        return PrintOutcome(done, True, f"Saved the {what} to {target.path}.")
    return PrintOutcome(done, True, f"Printed the {what}.")
