"""Extension plans as sale planning and the counter use them: by name, refused in plain words,
and as the pure rules' terms."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.models import ExtensionPlan
from warranty_desk.rules.extension import ExtensionTerms

# A plan's code as head office and the till exchange it: capitals, digits and hyphens.
PLAN_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")


def code_from_name(name: str, taken: Collection[str] = ()) -> str:
    """A plan code made from its name ("Care+ 24" -> CAREPLUS-24), unlike any in `taken`."""
    base = re.sub(r"[^A-Z0-9]+", "-", name.upper().replace("+", "PLUS")).strip("-")[:17]
    base = base.strip("-") if len(base.strip("-")) >= 2 else "PLAN"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def plans_by_code(session: Session) -> dict[str, ExtensionPlan]:
    """Every extension plan, on sale or not, by its code."""
    return {p.code: p for p in session.scalars(select(ExtensionPlan))}


def unknown_plan_code(code: str, plans: Iterable[ExtensionPlan]) -> str:
    """Why a plan code is refused, with the codes that can be sold instead."""
    known = sorted(f"{p.code} ({p.name})" for p in plans if p.active)
    return (f"no extension plan has the code {code!r} here; "
            + (f"plans on sale: {', '.join(known)}" if known else "this shop sells none"))


def plans_by_name(session: Session) -> dict[str, ExtensionPlan]:
    """Every extension plan, on sale or not, by its name."""
    return {p.name: p for p in session.scalars(select(ExtensionPlan))}


def unknown_plan(name: str, plans: Iterable[ExtensionPlan]) -> str:
    """Why a plan name is refused, with the plans that can be sold instead."""
    names = sorted(p.name for p in plans if p.active)
    if not names:
        return (f"Unknown extension plan {name!r}: this shop sells no extension plans. "
                "Leave the plan out, or add one under Settings > Policies.")
    return (f"Unknown extension plan {name!r}. Plans on sale: {', '.join(names)}. "
            "Write one of these exactly, or leave the plan out.")


def extension_terms(plan: ExtensionPlan) -> ExtensionTerms:
    """The pure-rule view of an extension plan row."""
    return ExtensionTerms(
        categories=frozenset(plan.categories), min_price_minor=plan.min_price_minor,
        max_price_minor=plan.max_price_minor, max_days_since_sale=plan.max_days_since_sale,
        months=plan.months, price_minor=plan.price_minor,
    )


def plan_event(plan: ExtensionPlan, currency: str) -> dict[str, Any]:
    """What head office hears of a plan (catalogue.plan_updated): everything the customer
    portal needs to offer it by the same eligibility rule, and the code orders name it by."""
    return {"code": plan.code, "name": plan.name, "active": plan.active,
            "months": plan.months, "price_minor": plan.price_minor, "currency": currency,
            "categories": sorted(plan.categories or ()),
            "min_price_minor": plan.min_price_minor, "max_price_minor": plan.max_price_minor,
            "max_days_since_sale": plan.max_days_since_sale}
