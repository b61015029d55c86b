"""The patterns as a report table: one line a pattern with its reason and the claims behind it,
and the tests used, in words, beneath."""

from __future__ import annotations

from datetime import date

from warranty_desk.permissions import Actor
from warranty_desk.rules.metrics.patterns import KIND_WORDS, MODEL_TEST, STAFF_TEST
from warranty_desk.services.pattern_rows import patterns_in
from warranty_desk.services.report_table import ReportTable
from warranty_desk.services.unit_of_work import UnitOfWork

COLUMNS = ("Pattern", "Of", "Claims", "Why it stands out", "Claims behind it")


def patterns_table(uow: UnitOfWork, actor: Actor, *, since: date, until: date) -> ReportTable:
    """The patterns among the claims opened on shop days since..until."""
    found = patterns_in(uow, actor, since=since, until=until)
    return ReportTable(
        name="patterns", title="Patterns highlighted",
        subtitle=f"Claims opened {since.isoformat()} to {until.isoformat()}",
        columns=COLUMNS,
        rows=tuple((KIND_WORDS[p.kind], p.subject, len(p.claims), p.reason, " ".join(p.claims))
                   for p in found),
        notes=("A serial claimed twice or more, a customer with three claims or more, and the "
               "same fault on one model three times or more are listed as they are.",
               MODEL_TEST, STAFF_TEST))
