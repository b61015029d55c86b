"""Exception notes: on any record, when something is not normal, with a reason code and words.

A note names its record by the number people use (claim number, warranty code, customer
reference, invoice number, a brand's claim id), so it reads the same in a list of notes as on
the record itself; the record must exist, except a brand claim id, which is another system's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers
from warranty_desk.errors import BadInput, NotFound, PermissionDenied
from warranty_desk.models import Claim, Customer, ExceptionNote, Sale, Warranty
from warranty_desk.permissions import Actor, Permission, Role, require
from warranty_desk.services import audit, brand_claim_views
from warranty_desk.services.letterhead import day_bounds
from warranty_desk.services.shop_time import shop_zone
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes

# What staff write when something is not normal, in the words the shop's guide uses.
REASONS: dict[str, str] = {
    "system_link_down": "System link down",
    "stock_mismatch": "Stock mismatch",
    "service_centre_not_responding": "Service centre not responding",
    "customer_unreachable": "Customer unreachable",
    "other": "Other",
}
RECORD_KINDS: dict[str, str] = {
    "claim": "Claim", "warranty": "Warranty", "customer": "Customer", "sale": "Sale",
    "brand_claim": "Brand claim",
}
MIN_TEXT = 3
# A note is a few paragraphs; a longer account belongs in a document on the claim.
MAX_TEXT = 4000
MAX_REF = 64
# A list of notes answers with the newest; past this, narrow it with a filter.
LIST_LIMIT = 500


@dataclass(frozen=True, slots=True)
class NoteInput:
    """A note to write: the record it is about, the reason code and the words."""

    record_kind: str
    record_ref: str
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class NoteView:
    """One note as lists and records show it."""

    record_kind: str
    record_ref: str
    reason: str
    text: str
    written_by: str
    written_at: datetime

    @property
    def reason_words(self) -> str:
        """The reason as people say it."""
        return REASONS.get(self.reason, self.reason)

    @property
    def record_words(self) -> str:
        """The record as people say it ("Claim BR01-C-2026-000001")."""
        return f"{RECORD_KINDS.get(self.record_kind, self.record_kind)} {self.record_ref}"


@dataclass(frozen=True, slots=True)
class NoteFilters:
    """Which notes a list shows; None or "" means any."""

    reason: str | None = None
    record_kind: str | None = None
    words: str = ""  # in the note's text or the record's number
    since: date | None = None


def note_view(n: ExceptionNote) -> NoteView:
    """A stored note as lists, records and reports show it."""
    return NoteView(n.record_kind, n.record_ref, n.reason, n.text, n.written_by, n.written_at)


def _upper(ref: str) -> str:
    return ref.upper()


# How each kind of record is found by its number, and how that number is written.
_RECORDS: dict[str, tuple[Callable[[str], str], Callable[[Session, str], object]]] = {
    "claim": (_upper, lambda s, r: s.scalar(select(Claim.id).where(Claim.number == r))),
    "warranty": (_upper, lambda s, r: s.scalar(select(Warranty.id).where(Warranty.code == r))),
    "customer": (_upper, lambda s, r: s.scalar(
        select(Customer.id).where(Customer.reference == r))),
    "sale": (str, lambda s, r: s.scalar(select(Sale.id).where(Sale.invoice_number == r))),
}


def _record_ref(session: Session, kind: str, typed: str) -> str:
    if kind not in RECORD_KINDS:
        raise BadInput(f"Unknown kind of record {kind!r}: use one of {', '.join(RECORD_KINDS)}.")
    ref = typed.strip()
    if not ref:
        raise BadInput(f"Say which {RECORD_KINDS[kind].lower()} the note is about.")
    if len(ref) > MAX_REF:
        raise BadInput(f"That {RECORD_KINDS[kind].lower()} number is {len(ref)} characters "
                       f"long; at most {MAX_REF}. Check it.")
    if kind not in _RECORDS:
        return ref  # a brand's claim id: not ours to check
    written, find = _RECORDS[kind]
    ref = written(ref)
    if find(session, ref) is None:
        raise NotFound(f"No {RECORD_KINDS[kind].lower()} {ref}. Check the number; nothing was "
                       "saved.")
    return ref


def check_note(reason: str, text: str) -> str:
    """The note's words, stripped, or a plain refusal of a reason or text that will not do."""
    if reason not in REASONS:
        raise BadInput(f"Pick a reason: {', '.join(REASONS.values())}.")
    words = card_numbers.masked(text.strip())
    if len(words) < MIN_TEXT:
        raise BadInput("Write what is not normal, in a few words: the next person reads it.")
    if len(words) > MAX_TEXT:
        raise BadInput(f"The note is {len(words)} characters long; at most {MAX_TEXT}. Shorten "
                       "it, or attach the longer account as a document.")
    return words


def add_note_in(uow: UnitOfWork, actor: Actor, data: NoteInput) -> NoteView:
    """Write an exception note on a record, kept in the audit log too."""
    require(actor, Permission.WRITE_NOTE)
    if actor.role is Role.SUPPLIER and data.record_kind != "brand_claim":
        # Refused before any record is looked up: a supplier's contact learns nothing of which
        # claims, customers or sales the shop has.
        raise PermissionDenied(f"{actor.name} writes notes only on their own supplier's brand "
                               "claims. Nothing was saved.")
    words = check_note(data.reason, data.text)
    session = uow.session
    ref = _record_ref(session, data.record_kind, data.record_ref)
    if actor.role is Role.SUPPLIER:
        brand_claim_views.find(session, ref, actor)  # another supplier's is not found
    note = ExceptionNote(record_kind=data.record_kind, record_ref=ref, reason=data.reason,
                         text=words, written_by_id=actor.staff_id, written_by=actor.name)
    session.add(note)
    session.flush()
    audit.record(session, actor, "note.exception", data.record_kind, ref,
                 {"reason": data.reason, "text": words})
    return note_view(note)


add_note = writes(add_note_in)


def notes_of(session: Session, record_kind: str, record_ref: str) -> tuple[NoteView, ...]:
    """A record's notes, newest first (for the record's own view)."""
    written = _RECORDS[record_kind][0] if record_kind in _RECORDS else str
    return tuple(note_view(n) for n in session.scalars(
        select(ExceptionNote).where(ExceptionNote.record_kind == record_kind,
                                    ExceptionNote.record_ref == written(record_ref.strip()))
        .order_by(ExceptionNote.written_at.desc(), ExceptionNote.id.desc()).limit(LIST_LIMIT)))


def notes_on_in(uow: UnitOfWork, actor: Actor, record_kind: str, record_ref: str
                ) -> tuple[NoteView, ...]:
    """A record's notes, newest first."""
    require(actor, Permission.LOOKUP)
    return notes_of(uow.session, record_kind, record_ref)


notes_on = reads(notes_on_in)


def _conditions(session: Session, filters: NoteFilters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if filters.reason:
        conds.append(ExceptionNote.reason == filters.reason)
    if filters.record_kind:
        conds.append(ExceptionNote.record_kind == filters.record_kind)
    for word in filters.words.split():
        # Each word, anywhere in the text or the record's number; % and _ are matched as typed.
        # SQLite's LIKE ignores case in Latin letters and matches other scripts exactly.
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        conds.append(or_(ExceptionNote.text.like(pattern, escape="\\"),
                         ExceptionNote.record_ref.like(pattern, escape="\\")))
    if filters.since is not None:
        start, _ = day_bounds(filters.since, shop_zone(session))
        conds.append(ExceptionNote.written_at >= start)
    return conds


def find_notes_in(uow: UnitOfWork, actor: Actor, filters: NoteFilters) -> tuple[NoteView, ...]:
    """Notes matching the filters, newest first, at most LIST_LIMIT."""
    require(actor, Permission.LOOKUP)
    session = uow.session
    return tuple(note_view(n) for n in session.scalars(
        select(ExceptionNote).where(*_conditions(session, filters))
        .order_by(ExceptionNote.written_at.desc(), ExceptionNote.id.desc()).limit(LIST_LIMIT)))


find_notes = reads(find_notes_in)
