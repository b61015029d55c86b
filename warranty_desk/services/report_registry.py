"""The one list of reports: what each is called, what it shows, whether it covers a period or
compares, and how it is built. The reports screen and `warranty-desk report` both read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from warranty_desk.errors import BadInput
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import management, recovery_reports
from warranty_desk.services.claim_reports import refund_accuracy_in, resolution_completion_in
from warranty_desk.services.message_report import message_delivery_in
from warranty_desk.services.metric_reports import METRIC_REPORTS, metric_table
from warranty_desk.services.note_report import exception_notes_in
from warranty_desk.services.pattern_report import patterns_table
from warranty_desk.services.report_table import ReportTable
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, reads

# A period left open starts this many days before its end.
DEFAULT_DAYS = 90


@dataclass(frozen=True, slots=True)
class ReportAsk:
    """What a person asked for: the shop days, and for a metric, a comparison and filters."""

    since: date
    until: date
    by: str | None = None
    filters: Mapping[str, str] = field(default_factory=dict)


Builder = Callable[[UnitOfWork, Actor, ReportAsk], ReportTable]


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """One report in the list."""

    name: str
    words: str  # one line under its name
    period_words: str | None  # beside the first day, or None: it shows the shop as it is now
    compares: bool  # takes "compare by" and filters
    build: Builder


def _periodic(fn: Callable[..., ReportTable]) -> Builder:
    return lambda uow, actor, ask: fn(uow, actor, since=ask.since, until=ask.until)


def _metric(name: str) -> Builder:
    return lambda uow, _actor, ask: metric_table(uow, name, since=ask.since, until=ask.until,
                                                 by=ask.by, filters=ask.filters)


_LISTED: tuple[ReportSpec, ...] = (
    ReportSpec("claims-by-brand", "claims opened per brand: volume, speed, cost and recovery",
               "Claims opened since", False, _periodic(management.claims_by_brand_in)),
    ReportSpec("open-claims", "open claims by state, oldest and past their promised date",
               None, False, lambda uow, actor, _ask: management.open_claims_in(uow, actor)),
    ReportSpec("return-aging", "faulty units in returns stock by supplier and age", None, False,
               lambda uow, actor, _ask: management.return_aging_in(uow, actor)),
    ReportSpec("message-delivery", "customer messages delivered by week, branch and channel; "
               "failures", "Messages written since", False, _periodic(message_delivery_in)),
    ReportSpec("supplier-recovery", "brand claims per supplier and brand: recoverable, "
               "settled, rate", "Brand claims lodged since", False,
               _periodic(recovery_reports.supplier_recovery_in)),
    ReportSpec("stale-brand-claims", "open brand claims whose status has not moved for too "
               "long", None, False,
               lambda uow, actor, _ask: recovery_reports.stale_brand_claims_in(uow, actor)),
    ReportSpec("replacement-time", "days from claim to replacement decided and handed over, "
               "per brand", "Replacements decided since", False,
               _periodic(recovery_reports.replacement_time_in)),
    ReportSpec("exception-notes", "what staff noted as not normal, by reason and record; each "
               "note", "Notes written since", False, _periodic(exception_notes_in)),
    ReportSpec("resolution-completion", "claims opened per month: resolved, rejected, open, on "
               "time", "Claims opened since", False, _periodic(resolution_completion_in)),
    ReportSpec("refund-accuracy", "refunds within the price paid, the role's limit and the "
               "ledger", "Refunds decided since", False, _periodic(refund_accuracy_in)),
    ReportSpec("patterns", "serials, customers and faults claimed again; models and staff "
               "standing out", "Claims opened since", False, _periodic(patterns_table)),
    ReportSpec("claim-volume", "claims opened and open claims, week by week", "Claims since",
               True, _metric("claim-volume")),
    *(ReportSpec(name, words, "From", True, _metric(name))
      for name, (_title, words, _keys) in METRIC_REPORTS.items()),
)
REPORTS: dict[str, ReportSpec] = {spec.name: spec for spec in _LISTED}


def build_in(uow: UnitOfWork, actor: Actor, name: str, *, since: date | None = None,
             until: date | None = None, by: str | None = None,
             filters: Mapping[str, str] | None = None) -> ReportTable:
    """One report by name. A period runs to `until` (today when not given) from `since`
    (DEFAULT_DAYS before its end when not given); a report of the shop as it is now takes no
    period, and only the metric reports compare or filter."""
    require(actor, Permission.VIEW_REPORTS)
    spec = REPORTS.get(name)
    if spec is None:
        raise BadInput(f"There is no report {name!r}. Reports: {', '.join(REPORTS)}.")
    if (by or filters) and not spec.compares:
        comparing = ", ".join(s.name for s in REPORTS.values() if s.compares)
        raise BadInput(f"The {name} report cannot compare or filter; these can: {comparing}.")
    end = until or shop_today(uow.session)
    return spec.build(uow, actor, ReportAsk(since or end - timedelta(days=DEFAULT_DAYS), end,
                                            by, dict(filters or {})))


build = reads(build_in)
