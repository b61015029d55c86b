"""Sale planning: a batch of sales checked against the database and turned into rows to insert
in bulk, or into the problems that stop it. The counter, imports, online orders and the demo
all record sales this way; nothing is written here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from warranty_desk.services.sale_checks import Pending, SaleChecks
from warranty_desk.services.sale_facts import read_facts
from warranty_desk.services.sale_input import SaleInput
from warranty_desk.services.sale_plan import Plan
from warranty_desk.services.sale_rows import build_rows


def plan_sales(
    session: Session, sales: Sequence[SaleInput], *, today: date, skip_recorded: bool,
    require_serials: bool = True, staff_id: uuid.UUID | None = None,
) -> Plan:
    """Check every sale and build the rows; nothing is written here.

    `require_serials=False` is for web-shop exports that carry no serials: those units get a
    warranty without one (a registration gap the close report shows) instead of a refusal.
    `staff_id` is the person at the till, so the close report can count sales by person.
    """
    plan = Plan()
    facts = read_facts(session, sales)
    checks = SaleChecks(facts, plan, today=today, skip_recorded=skip_recorded,
                        require_serials=require_serials)
    pending: list[Pending] = []
    for sale, serials in zip(sales, facts.serials, strict=True):
        checked = checks.sale(sale, serials)
        if checked is not None:
            pending.append(checked)
    if not plan.problems:
        build_rows(session, plan, pending, facts, staff_id)
    return plan
