"""The exception notes report: how often each thing was not normal, by reason and record."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from warranty_desk.models import ExceptionNote
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services.exception_notes import REASONS, RECORD_KINDS, note_view
from warranty_desk.services.letterhead import report_period
from warranty_desk.services.report_table import Cell, ReportTable
from warranty_desk.services.unit_of_work import UnitOfWork

NOTE_COLUMNS = ("Written", "By", "Record", "Reason", "Note")


def exception_notes_in(uow: UnitOfWork, actor: Actor, *, since: date,
                       until: date) -> ReportTable:
    """Notes written in the period, counted per reason and kind of record, each listed below."""
    require(actor, Permission.VIEW_REPORTS)
    session = uow.session
    zone, start, end = report_period(session, since, until)
    found = session.scalars(
        select(ExceptionNote).where(ExceptionNote.written_at >= start,
                                    ExceptionNote.written_at < end)
        .order_by(ExceptionNote.written_at, ExceptionNote.id)).all()
    counts = Counter((n.reason, n.record_kind) for n in found)
    rows: list[tuple[Cell, ...]] = []
    for reason, words in REASONS.items():
        per_kind = [counts[(reason, kind)] for kind in RECORD_KINDS]
        if sum(per_kind):
            rows.append((words, *per_kind, sum(per_kind)))
    listed = tuple(
        (v.written_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), v.written_by or "–",
         v.record_words, v.reason_words, v.text) for v in map(note_view, found))
    period = f"Notes written from {since.isoformat()} to {until.isoformat()}"
    return ReportTable(
        name="exception-notes", title="Exception notes", subtitle=period,
        columns=("Reason", *RECORD_KINDS.values(), "Total"), rows=tuple(rows),
        chart_column=len(RECORD_KINDS) + 1,
        notes=(f"{len(found)} note(s) in the period; each is listed below.",),
        follow=(ReportTable(name="exception-note-list", title="The notes", subtitle=period,
                            columns=NOTE_COLUMNS, rows=listed),))
