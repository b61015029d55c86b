"""The print queue: every print is recorded, and a job whose printer failed waits for a retry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers
from warranty_desk.errors import BadInput, NotFound
from warranty_desk.models import PrintJob
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit, letters
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import clock_of

# The documents a person can ask for; each family counts originals and copies on its own.
DOCUMENTS = ("slip", "certificate", "ticket", "label", "close_report", "report", "letter",
             "handover", "brand_packet")
ESCPOS = "application/vnd.escpos"
PDF = "application/pdf"
# A printer error can carry a whole traceback's worth of text; the queue keeps the gist.
_ERROR_LIMIT = 500
# A job's short id is the end of its UUIDv7: 32 random bits, where the start is the time and
# jobs queued together share it. People type it; any longer end of the id works too.
SHORT_ID = 8
_SHORTEST = 4


@dataclass(frozen=True, slots=True)
class PrintJobView:
    """One print as the queue and the history show it."""

    id: str
    document: str
    subject: str
    copy: bool
    target: str
    media_type: str
    state: str
    attempts: int
    last_error: str | None
    requested_by: str
    created_at: datetime
    printed_at: datetime | None
    short_id: str  # what the queue shows and people type: the id's last SHORT_ID characters


def _view(job: PrintJob) -> PrintJobView:
    return PrintJobView(
        id=job.id.hex, document=job.document, subject=job.subject, copy=job.copy,
        target=job.target, media_type=job.media_type, state=job.state, attempts=job.attempts,
        last_error=job.last_error, requested_by=job.requested_by, created_at=job.created_at,
        printed_at=job.printed_at, short_id=job.id.hex[-SHORT_ID:])


def _job(session: Session, job_id: str) -> PrintJob:
    typed = job_id.strip().lower()
    if len(typed) == 32:
        try:
            found = session.get(PrintJob, uuid.UUID(hex=typed))
        except ValueError:
            raise BadInput(f"{job_id!r} is not a print job number.") from None
        if found is None:
            raise NotFound(f"There is no print job {job_id}; the queue may have been cleared.")
        return found
    if not (_SHORTEST <= len(typed) < 32 and all(ch in "0123456789abcdef" for ch in typed)):
        raise BadInput(f"{job_id!r} is not a print job number. Type the job number "
                       "`print queue` shows, like 3fa9c1d2.")
    # SQLite writes hex() in capitals; the table holds the shop's prints, not millions.
    matches = session.scalars(select(PrintJob).where(
        func.hex(PrintJob.id).like(f"%{typed.upper()}")).limit(2)).all()
    if not matches:
        raise NotFound(f"There is no print job {job_id}; `print queue` lists the jobs waiting.")
    if len(matches) > 1:
        raise BadInput(f"More than one print job ends in {job_id}; type more of its number "
                       "(`print queue --json` shows whole numbers).")
    return matches[0]


def already_printed_in(uow: UnitOfWork, document: str, subject: str) -> bool:
    """Whether this document was asked for before, so the next one must say COPY."""
    session = uow.session
    return session.execute(
        select(PrintJob.id).where(PrintJob.document == document,
                                  PrintJob.subject == subject,
                                  PrintJob.state != "cancelled").limit(1)).first() is not None


already_printed = reads(already_printed_in)


def enqueue_in(
    uow: UnitOfWork, actor: Actor, *, document: str, subject: str, copy: bool, target: str,
    media_type: str, payload: bytes,
) -> PrintJobView:
    """Record a print before it is sent, so a failed printer never loses the job."""
    require(actor, Permission.PRINT)
    if document not in DOCUMENTS:
        raise BadInput(f"Unknown document {document!r}: use one of {', '.join(DOCUMENTS)}.")
    session = uow.session
    job = PrintJob(document=document, subject=subject, copy=copy, target=target,
                   media_type=media_type, payload=payload, requested_by_id=actor.staff_id,
                   requested_by=actor.name)
    session.add(job)
    session.flush()
    audit.record(session, actor, "print", "print_job", job.id,
                 {"document": document, "subject": subject, "copy": copy,
                  "target": target})
    return _view(job)


enqueue = writes(enqueue_in)


def _waiting(session: Session, job_id: str) -> tuple[PrintJob, bytes]:
    """A job still in the queue, with its bytes; a printed or cancelled one is refused."""
    job = _job(session, job_id)
    if job.state != "queued" or job.payload is None:
        raise BadInput(f"The {job.document} for {job.subject} is {job.state}; there is "
                       "nothing left to send. Print it again to get a copy.")
    return job, job.payload


def payload_of_in(uow: UnitOfWork, job_id: str) -> tuple[PrintJobView, bytes]:
    """The job and the exact bytes to send; a printed job is not sent twice."""
    job, payload = _waiting(uow.session, job_id)
    return _view(job), payload


payload_of = reads(payload_of_in)


def send_to_in(uow: UnitOfWork, actor: Actor, job_id: str, target: str) -> PrintJobView:
    """A waiting job goes to another printer from now on (its address was corrected in the
    settings); the move is audited, the bytes stay as they were."""
    require(actor, Permission.PRINT)
    session = uow.session
    job, _ = _waiting(session, job_id)
    if job.target != target:
        audit.record(session, actor, "print.send_to", "print_job", job.id,
                     {"subject": job.subject, "from": job.target, "to": target})
        job.target = target
    return _view(job)


send_to = writes(send_to_in)


def mark_printed_in(uow: UnitOfWork, job_id: str, by: Actor) -> PrintJobView:
    """The printer took every byte: the job leaves the queue and its bytes are dropped; a
    letter's message is delivered by hand in the same transaction."""
    session = uow.session
    job = _job(session, job_id)
    job.state, job.attempts = "printed", job.attempts + 1
    job.printed_at = clock_of(session).now()
    job.last_error, job.payload = None, None
    if job.document == letters.DOCUMENT:
        letters.delivered_by_hand(session, by, job)
    return _view(job)


mark_printed = writes(mark_printed_in)


def mark_failed_in(uow: UnitOfWork, job_id: str, error: str) -> PrintJobView:
    """The printer did not take the job; it stays queued with the plain reason."""
    session = uow.session
    job = _job(session, job_id)
    job.attempts += 1
    job.last_error = error[:_ERROR_LIMIT]
    return _view(job)


mark_failed = writes(mark_failed_in)


def cancel_in(uow: UnitOfWork, actor: Actor, job_id: str, reason: str) -> PrintJobView:
    """Take a queued job off the queue on purpose; the reason is audited."""
    require(actor, Permission.PRINT)
    reason = card_numbers.typed(reason)
    if not reason:
        raise BadInput("Say why the print is cancelled (for example: printed by hand).")
    session = uow.session
    job = _job(session, job_id)
    if job.state != "queued":
        raise BadInput(f"The {job.document} for {job.subject} is already {job.state}.")
    job.state, job.payload = "cancelled", None
    audit.record(session, actor, "cancel_print", "print_job", job.id,
                 {"reason": reason.strip(), "subject": job.subject})
    return _view(job)


cancel = writes(cancel_in)


def queued_in(uow: UnitOfWork) -> tuple[PrintJobView, ...]:
    """Jobs waiting for their printer, oldest first."""
    session = uow.session
    jobs = session.scalars(select(PrintJob).where(PrintJob.state == "queued")
                           .order_by(PrintJob.created_at, PrintJob.id))
    return tuple(_view(j) for j in jobs)


queued = reads(queued_in)


def history_in(uow: UnitOfWork, *, subject: str | None = None, limit: int = 200
            ) -> tuple[PrintJobView, ...]:
    """The latest prints, newest first, optionally for one warranty, claim or day."""
    session = uow.session
    stmt = select(PrintJob).order_by(PrintJob.created_at.desc(), PrintJob.id.desc())
    if subject is not None:
        stmt = stmt.where(PrintJob.subject == subject)
    return tuple(_view(j) for j in session.scalars(stmt.limit(limit)))


history = reads(history_in)
