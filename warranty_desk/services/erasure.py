"""Erasing a customer's personal data on their request (GDPR Art. 17), keeping their records.

What goes: the customer's name, phone and email wherever the till holds them for this customer
(their record, messages, claims' words, notes, complaints, print jobs, the outbox's events and
the audit log's details), and then from the file itself (VACUUM, and the WAL truncated). What
stays: every sale, warranty, claim, cost and stock movement, on a customer record renamed to a
pseudonym ("Erased customer 7F3A") with the same reference, so reports still count them and a
claim's history still reads. The shop keeps those to answer for the warranty and its books
(Art. 17(3)(b) and (e)).

It is refused while the customer has a claim still being handled (a refund is paid at the POS
when it is decided, so an unpaid refund is such a claim): the shop could no longer reach them
to finish it. Close it first (a withdrawn claim is rejected with the customer's words).

Head office hears `customer.erased` (reference and pseudonym, nothing else) and erases its own
copies; the reference is written to the home's erasure register (services/erasure_register.py)
so a restore of an older backup erases the customer again.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput, NotFound
from warranty_desk.models import AuditEntry, Claim, Customer, OutboxEvent
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.erasure import Words, pseudonym, scrub_json_text, scrub_text
from warranty_desk.services import (
    audit,
    audit_redaction,
    erasure_register,
    erasure_scrub,
    outbox,
    outbox_retention,
)
from warranty_desk.services.audit_chain import ERASURE_ACTION, REDACTED
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.storage.database import Database, clock_of

log = logging.getLogger(__name__)

ERASED_TOPIC = "customer.erased"


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """A finished erasure: who the records now name, and what was rewritten."""

    reference: str
    pseudonym: str
    rows: int  # rows of other tables whose words were scrubbed
    audit_entries: int  # audit entries whose details were redacted
    print_jobs: int
    compacted: bool = False  # the file and its WAL were rewritten without the old pages


def is_erased(customer: Customer) -> bool:
    """Whether a customer record is already pseudonymised."""
    return (customer.name == pseudonym(customer.reference) and not customer.phone
            and not customer.email)


def _customer(session: Session, reference: str) -> Customer:
    key = reference.strip().upper()
    found = session.scalars(select(Customer).where(Customer.reference == key)).first()
    if found is None:
        raise NotFound(f"No customer {reference.strip()}. Check the reference on the customer "
                       "screen.")
    return found


def _history(session: Session, customer: Customer) -> tuple[Words, list[str]]:
    """Every name, phone and email the till has held for the customer (old ones in their
    events, merged duplicates in the audit log), and the references they were held under."""
    names, phones, emails = {customer.name}, {customer.phone}, {customer.email}
    references = {customer.reference}
    # A merged duplicate's record and a corrected phone or email live on in the audit log.
    for action, details in session.execute(select(AuditEntry.action, AuditEntry.details).where(
            AuditEntry.entity == "customer", AuditEntry.entity_id == customer.reference,
            AuditEntry.action.in_(("customer.merge", "customer.phone", "customer.email")))):
        said = json.loads(details)
        if action == "customer.merge":
            dropped = said.get("dropped") or {}
            references.add(str(dropped.get("reference") or customer.reference))
            names.add(str(dropped.get("name") or ""))
            phones.add(str(dropped.get("phone") or ""))
            emails.add(str(dropped.get("email") or ""))
        else:
            kept = phones if action == "customer.phone" else emails
            kept |= {str(said.get("before") or ""), str(said.get("after") or "")}
    for (payload,) in session.execute(select(OutboxEvent.payload).where(
            OutboxEvent.aggregate == "customer", OutboxEvent.aggregate_id.in_(references))):
        said = json.loads(payload)
        names.add(str(said.get("name") or ""))
        phones.add(str(said.get("phone") or ""))
        emails.add(str(said.get("email") or ""))
    words = Words.of(customer.reference, names=names - {pseudonym(customer.reference)},
                     phones=phones, emails=emails)
    return words, sorted(references)


def erase_in(uow: UnitOfWork, actor: Actor, reference: str, reason: str) -> ErasureReport:
    """Erase one customer's personal data in this unit (compacting the file is `erase`'s)."""
    require(actor, Permission.ERASE_CUSTOMER)
    return _erase(uow, actor, reference, reason, again=False)


def _erase(uow: UnitOfWork, actor: Actor, reference: str, reason: str, *,
           again: bool) -> ErasureReport:
    """The erasure, its permission checked by the caller. `again` is a restore re-applying an
    erasure already decided: no open-claim check, no reason asked."""
    why = reason.strip() if again else audit.kept_words(
        reason, "Say why the customer's data is erased (for example: asked by email on "
                "3 December), so the audit log shows on whose request.")
    session = uow.session
    customer = _customer(session, reference)
    alias = pseudonym(customer.reference)
    if is_erased(customer):
        raise BadInput(f"{customer.reference} was erased already: the records name "
                       f"{alias}.")
    if not again:
        open_claims = session.scalars(select(Claim.number).where(
            Claim.customer_id == customer.id, Claim.state.in_(OPEN_STATES))
            .order_by(Claim.number)).all()
        if open_claims:
            raise BadInput(
                f"{customer.name} still has open claim{'s' if len(open_claims) > 1 else ''} "
                f"{', '.join(open_claims)}. Finish or reject "
                f"{'them' if len(open_claims) > 1 else 'it'} first (a claim the customer "
                "withdraws is rejected with their words), then erase. Nothing was erased.")
    words, references = _history(session, customer)
    why = scrub_text(why, words)  # "Ann Lee asked by email" keeps its sense, not her name
    linked = sorted(set(erasure_scrub.linked_ids(session, customer.id.bytes, customer.reference))
                    | set(references))
    rows = sum(erasure_scrub.scrub_rows(session, holding, words, customer.id.bytes,
                                        customer.reference, linked)
               for holding in erasure_scrub.HOLDINGS)
    jobs = erasure_scrub.print_jobs(session, words, linked)
    redacted = _redact_audit(session, words, customer.reference, linked)
    customer.name, customer.phone, customer.email = alias, "", ""
    customer.email_undeliverable = customer.phone_undeliverable = customer.preferred_channel = ""
    customer.retention_follow_up = False
    if customer.reminders_agreed_at is not None and customer.reminders_withdrawn_at is None:
        customer.reminders_withdrawn_at = clock_of(session).now()
    customer.updated_at = clock_of(session).now()
    session.flush()
    erasure_scrub.rebuild_search(session)
    audit.record(session, actor, ERASURE_ACTION, "customer", customer.reference,
                 {"pseudonym": alias, "reason": why, "rows": rows, "print_jobs": jobs,
                  "again": again, REDACTED: redacted})
    outbox.emit(session, ERASED_TOPIC, "customer", customer.reference,
                {"reference": customer.reference, "pseudonym": alias,
                 "merged_references": [r for r in references if r != customer.reference]})
    return ErasureReport(customer.reference, alias, rows, len(redacted), jobs)


def _redact_audit(session: Session, words: Words, reference: str, linked: list[str]
                  ) -> dict[str, list[str]]:
    found = [e for e in session.scalars(select(AuditEntry).where(
        AuditEntry.entity_id.in_(linked) | AuditEntry.details.contains(reference)
    ).order_by(AuditEntry.seq)) if erasure_scrub.mentions_any(e.details, words)]
    return audit_redaction.rewrite(session, found, lambda details: scrub_json_text(
        details, words, sort_keys=True, default=str, ensure_ascii=False))


def compact(db: Database) -> bool:
    """Rewrite the file without the pages that held the erased words, and empty the WAL;
    False when another connection kept it from finishing (the next compaction does it)."""
    try:
        return outbox_retention.rewrite_file(db)
    except sqlite3.OperationalError as exc:
        log.warning("The database was not compacted after an erasure (%s).", exc)
        return False


def erase(db: Database, actor: Actor, reference: str, reason: str) -> ErasureReport:
    """Erase one customer, record it in the erasure register, and compact the file."""
    with UnitOfWork.write(db) as uow:
        report = erase_in(uow, actor, reference, reason)
    erasure_register.add(erasure_register.path_of(db.path), report.reference, report.pseudonym,
                         db.clock.now())
    compacted = compact(db)
    if not compacted:
        erasure_register.owe_compaction(db.path)
    return ErasureReport(report.reference, report.pseudonym, report.rows, report.audit_entries,
                         report.print_jobs, compacted)


def reapply(db: Database, actor: Actor) -> list[str]:
    """After a restore: erase again every customer the register lists whom the restored file
    still names; the references erased again."""
    # A restore re-applies what a manager decided before: whoever may restore does it.
    require(actor, Permission.BACKUP)
    with UnitOfWork.write(db) as uow:
        due = erasure_register.still_named(uow.session, erasure_register.read(
            erasure_register.path_of(db.path)))
        for item in due:
            _erase(uow, actor, item.reference, f"applied again after a restore (erased "
                   f"{item.at})", again=True)
    if due and not compact(db):
        erasure_register.owe_compaction(db.path)
    return [item.reference for item in due]
