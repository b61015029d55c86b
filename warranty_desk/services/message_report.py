"""Message delivery: how many customer messages reached the customer, by week, branch and
channel, with every failure listed.

Read from each outbound message's `state` and `channel`, counted as the shared metric
(rules.metrics.delivery) counts them: sent or delivered as delivered, failed, bounced or
interrupted as failed (each listed with its reason), anything else (queued, sending) as waiting;
a message no channel has taken yet counts under NO_CHANNEL. Weeks are ISO weeks of the shop's
own calendar (2026-W48).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import select

from warranty_desk.models import Claim, Customer, CustomerMessage
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.metrics.delivery import Delivery, delivery_kind
from warranty_desk.rules.metrics.periods import week_of
from warranty_desk.services.letterhead import report_period, shop_of
from warranty_desk.services.report_table import Cell, ReportTable
from warranty_desk.services.unit_of_work import UnitOfWork

NO_CHANNEL = "not recorded"
COLUMNS = ("Week", "Branch", "Channel", "Messages", "Delivered", "Failed", "Waiting",
           "Delivered (%)")
FAILURE_COLUMNS = ("Written", "Week", "Branch", "Channel", "State", "Claim", "Customer",
                   "Subject", "Reason")


def message_delivery_in(uow: UnitOfWork, actor: Actor, *, since: date,
                        until: date) -> ReportTable:
    """Outbound messages written in the period: delivered, failed and waiting per week, branch
    and channel, and each failure beneath."""
    require(actor, Permission.VIEW_REPORTS)
    session = uow.session
    zone, start, end = report_period(session, since, until)
    shop = shop_of(session)
    found = session.execute(
        select(CustomerMessage.created_at, CustomerMessage.state, CustomerMessage.channel,
               Claim.number, Customer.reference, CustomerMessage.subject,
               CustomerMessage.reason)
        .outerjoin(Claim, Claim.id == CustomerMessage.claim_id)
        .outerjoin(Customer, Customer.id == CustomerMessage.customer_id)
        .where(CustomerMessage.direction == "outbound", CustomerMessage.created_at >= start,
               CustomerMessage.created_at < end)
        .order_by(CustomerMessage.created_at, CustomerMessage.id)).all()
    branch = shop.branch_code
    totals: Counter[tuple[str, str, str, str]] = Counter()
    failures: list[tuple[Cell, ...]] = []
    for at, state, chan, claim, customer, subject, reason in found:
        local: datetime = at.astimezone(zone)
        week = week_of(local.date())
        kind = delivery_kind(state)
        totals[(week, branch, chan or NO_CHANNEL, kind)] += 1
        if kind == "failed":
            failures.append((local.strftime("%Y-%m-%d %H:%M"), week, branch, chan or NO_CHANNEL,
                             state, claim or "–", customer or "–", subject, reason or "–"))
    groups = sorted({key[:3] for key in totals})
    rows: list[tuple[Cell, ...]] = []
    for week, br, chan in groups:
        sums = Delivery(*(totals[(week, br, chan, k)]
                          for k in ("delivered", "failed", "waiting")))
        rows.append((week, br, chan, sums.total, sums.delivered, sums.failed, sums.waiting,
                     sums.rate))
    period = f"Messages written from {since.isoformat()} to {until.isoformat()}"
    return ReportTable(
        name="message-delivery", title="Message delivery", subtitle=period, columns=COLUMNS,
        rows=tuple(rows),
        notes=(f"{len(failures)} message(s) failed or bounced; listed below."
               if failures else "No message failed in this period.",),
        follow=(ReportTable(name="message-failures", title="Messages that failed",
                            subtitle=period, columns=FAILURE_COLUMNS,
                            rows=tuple(failures)),))
