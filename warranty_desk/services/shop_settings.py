"""Shop settings: the shop and branch, policies, extension plans and the product list."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput, NotFound
from warranty_desk.models import Brand, ExtensionPlan, NumberCounter, Policy, Product, Shop
from warranty_desk.permissions import ROLE_LABELS, Actor, Permission, Role, allowed, require
from warranty_desk.rules.document_types import sniff
from warranty_desk.rules.evidence import EVIDENCE_KINDS
from warranty_desk.sentences import sentences
from warranty_desk.services import audit, catalogue, outbox
from warranty_desk.services.claim_common import CLAIM_TYPES
from warranty_desk.services.extension_plans import plan_event
from warranty_desk.services.sale_input import Problem
from warranty_desk.services.shop_locale import money_of
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.documents import DocumentStore

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_WIDTHS = {"name": 200, "branch_name": 200, "address": 500, "phone": 40, "email": 200,
           "portal_url_template": 500}


@dataclass(frozen=True, slots=True)
class ShopView:
    """The shop row as the settings screen shows it."""

    name: str
    branch_code: str
    branch_name: str
    address: str
    phone: str
    email: str
    currency: str
    locale: str
    timezone: str
    portal_url_template: str
    # Once a number carrying the branch code is handed out, the code is fixed.
    branch_code_locked: bool
    logo_sha256: str | None = None
    # Days before a warranty ends that a customer who agreed is reminded.
    reminder_days: int = 30
    # Days a claim may stay open before its customer gets a retention call.
    follow_up_open_days: int = 30


@dataclass(frozen=True, slots=True)
class ShopUpdate:
    """New shop details; branch_code None keeps the current code."""

    name: str
    branch_name: str
    address: str
    phone: str
    email: str
    currency: str
    locale: str
    timezone: str
    portal_url_template: str = ""
    branch_code: str | None = None
    reminder_days: int | None = None  # None keeps the current window
    follow_up_open_days: int | None = None  # None keeps the current number of days


@dataclass(frozen=True, slots=True)
class PolicyView:
    """A policy with how many products it covers."""

    id: uuid.UUID
    name: str
    manufacturer_months: int
    shop_months: int
    terms: str
    exclusions: tuple[str, ...]
    evidence_required: dict[str, tuple[str, ...]]
    serial_required: bool
    claim_limit_count: int | None
    claim_limit_period_months: int
    override_roles: tuple[Role, ...]
    new_term_on_replacement: bool
    products: int
    message_edit_allowed: bool = True
    online_cover_from: str = "sale"  # catalogue.ONLINE_COVER_FROM


@dataclass(frozen=True, slots=True)
class PlanView:
    """A paid extension plan and whether it is offered at sale."""

    id: uuid.UUID
    name: str
    months: int
    price_minor: int
    categories: tuple[str, ...]
    min_price_minor: int
    max_price_minor: int | None
    max_days_since_sale: int
    active: bool


@dataclass(frozen=True, slots=True)
class ProductView:
    """One catalogue row."""

    sku: str
    name: str
    brand: str
    category: str
    policy: str
    gtin: str | None
    serial_required: bool
    list_price_minor: int


class ProductsRejected(BadInput):
    """A products file with problems: nothing was added, every problem is listed."""

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        listed = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(f"No products were added from {file_name}: {len(self.problems)} "
                         f"problem(s) to fix in the file, then import it again.\n{listed}")


# --- Shop and branch --------------------------------------------------------------------------


def _numbers_handed_out(session: Session) -> bool:
    return session.scalars(select(NumberCounter.kind).where(NumberCounter.last > 0)).first() \
        is not None


def _shop_view(session: Session) -> ShopView:
    shop = session.scalars(select(Shop)).one()
    return ShopView(shop.name, shop.branch_code, shop.branch_name, shop.address, shop.phone,
                    shop.email, shop.currency, shop.locale, shop.timezone,
                    shop.portal_url_template, _numbers_handed_out(session), shop.logo_sha256,
                    shop.reminder_days, shop.follow_up_open_days)


def get_shop_in(uow: UnitOfWork) -> ShopView:
    """The shop and branch details."""
    session = uow.session
    return _shop_view(session)


get_shop = reads(get_shop_in)


def _check_shop(data: ShopUpdate) -> tuple[dict[str, str], list[str]]:
    """The cleaned values and every problem with them."""
    values = {"name": " ".join(data.name.split()), "branch_name": data.branch_name.strip(),
              "address": data.address.strip(), "phone": data.phone.strip(),
              "email": data.email.strip(), "currency": data.currency.strip().upper(),
              "locale": data.locale.strip(), "timezone": data.timezone.strip(),
              "portal_url_template": data.portal_url_template.strip()}
    problems = []
    if not values["name"]:
        problems.append("the shop needs a name (it is printed on every slip)")
    problems += [f"the {key.replace('_', ' ')} is longer than {width} characters"
                 for key, width in _WIDTHS.items() if len(values[key]) > width]
    if values["email"] and not _EMAIL.fullmatch(values["email"]):
        problems.append(f"{values['email']!r} is not an email address")
    if not (len(values["currency"]) == 3 and values["currency"].isalpha()
            and values["currency"].isascii() and is_currency(values["currency"])):
        problems.append(f"currency {values['currency']!r} is not a 3-letter currency code "
                        "such as EUR, GBP or USD")
    try:
        values["locale"] = str(Locale.parse(values["locale"].replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        problems.append(f"locale {data.locale!r} is unknown: write it like en_GB or de_DE")
    try:
        ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"time zone {data.timezone!r} is unknown: write it like Europe/London")
    template = values["portal_url_template"]
    if template and not (template.startswith(("https://", "http://")) and "{code}" in template):
        problems.append("the portal link must start with https:// and contain {code} where "
                        "the warranty code goes")
    return values, problems


def _check_branch_code(session: Session, shop: Shop, code: str | None) -> str | None:
    """Why the branch code cannot become `code`, or None when it can (or is unchanged)."""
    if code is None or code == shop.branch_code:
        return None
    if _numbers_handed_out(session):
        return (f"the branch code stays {shop.branch_code}: it is part of every warranty code, "
                f"claim number and customer reference already handed out (like "
                f"{shop.branch_code}-W-2026-000123), and customers, slips, the portal and head "
                "office find those records by these numbers")
    if not (2 <= len(code) <= 6 and code.isalnum() and code.isascii() and code[0].isalpha()
            and code.isupper()):
        return (f"branch code {code!r} must be 2 to 6 capital letters or digits, starting "
                "with a letter (for example BR01)")
    return None


def update_shop_in(uow: UnitOfWork, actor: Actor, data: ShopUpdate) -> ShopView:
    """Change the shop and branch details; the audit entry keeps what changed, before and after."""
    require(actor, Permission.MANAGE_SETTINGS)
    values, problems = _check_shop(data)
    session = uow.session
    shop = session.scalars(select(Shop)).one()
    why = _check_branch_code(session, shop, data.branch_code)
    if why:
        problems.append(why)
    days = data.reminder_days
    if days is not None and not MIN_REMINDER_DAYS <= days <= MAX_REMINDER_DAYS:
        problems.append(f"reminders go {MIN_REMINDER_DAYS} to {MAX_REMINDER_DAYS} days before a "
                        f"warranty ends, not {days}")
    open_days = data.follow_up_open_days
    if open_days is not None and not MIN_REMINDER_DAYS <= open_days <= MAX_REMINDER_DAYS:
        problems.append(f"a claim asks for a retention call after {MIN_REMINDER_DAYS} to "
                        f"{MAX_REMINDER_DAYS} days open, not {open_days}")
    if problems:
        raise BadInput("The shop details were not saved: " + "; ".join(problems) + ".")
    changes: dict[str, Any] = dict(values)
    if open_days is not None:
        changes["follow_up_open_days"] = open_days
    if data.branch_code is not None:
        changes["branch_code"] = data.branch_code
    if days is not None:
        changes["reminder_days"] = days
    before, after = _apply(shop, changes)
    if after:
        audit.record(session, actor, "shop.update", "shop", shop.branch_code,
                     {"before": before, "after": after})
        # The reminder window is the till's own: the contract's shop has no such field.
        told = {k: v for k, v in after.items() if k not in _TILL_ONLY}
        if told:
            outbox.emit(session, "shop.updated", "shop", shop.branch_code, told)
    return _shop_view(session)


update_shop = writes(update_shop_in)


# The reminder window a shop may set: at least a day's notice, at most a year's.
MIN_REMINDER_DAYS, MAX_REMINDER_DAYS = 1, 365
# Shop settings head office is not told of.
_TILL_ONLY = frozenset({"reminder_days", "follow_up_open_days"})
# Printed at the top of slips and certificates: a logo is a picture, and a small one.
LOGO_TYPES = ("image/png", "image/jpeg")
LOGO_MAX_BYTES = 2 * 1024 * 1024


def set_logo_in(uow: UnitOfWork, actor: Actor, documents: DocumentStore, data: bytes | None, *,
             name: str = "The logo") -> ShopView:
    """Set (or with None, remove) the shop logo printed on slips and certificates."""
    require(actor, Permission.MANAGE_SETTINGS)
    sha256 = None
    if data is not None:
        if len(data) > LOGO_MAX_BYTES:
            raise BadInput(f"{name} is {len(data) / 1_048_576:.1f} MB; a logo must be under 2 MB. "
                           "Save a smaller PNG or JPEG of it and pick that.")
        if sniff(data) not in LOGO_TYPES:
            raise BadInput(f"{name} is not a PNG or JPEG picture. Save the logo as PNG or JPEG "
                           "and pick that file.")
        sha256 = documents.put(data, name=name).sha256
    session = uow.session
    shop = session.scalars(select(Shop)).one()
    before, after = _apply(shop, {"logo_sha256": sha256})
    if after or before:
        audit.record(session, actor, "shop.logo", "shop", shop.branch_code,
                     {"before": before, "after": after})
        outbox.emit(session, "shop.updated", "shop", shop.branch_code, after)
    return _shop_view(session)


set_logo = writes(set_logo_in)


def _apply(row: Any, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the values that differ; returns them before and after, for the audit entry."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in values.items():
        old = getattr(row, key)
        if old != value:
            before[key], after[key] = old, value
            setattr(row, key, value)
    return before, after


# --- Policies and extension plans --------------------------------------------------------------


def _policy_view(policy: Policy, products: int) -> PolicyView:
    return PolicyView(
        id=policy.id, name=policy.name, manufacturer_months=policy.manufacturer_months,
        shop_months=policy.shop_months, terms=policy.terms,
        exclusions=tuple(policy.exclusions or ()),
        evidence_required={k: tuple(v) for k, v in (policy.evidence_required or {}).items()},
        serial_required=policy.serial_required, claim_limit_count=policy.claim_limit_count,
        claim_limit_period_months=policy.claim_limit_period_months,
        override_roles=tuple(Role(r) for r in policy.override_roles or ()),
        new_term_on_replacement=policy.new_term_on_replacement, products=products,
        message_edit_allowed=policy.message_edit_allowed,
        online_cover_from=policy.online_cover_from)


def list_policies_in(uow: UnitOfWork) -> tuple[PolicyView, ...]:
    """Every policy by name, with how many products it covers."""
    session = uow.session
    counts = dict(session.execute(
        select(Product.policy_id, func.count(Product.id)).group_by(Product.policy_id)).all())
    policies = session.scalars(select(Policy).order_by(Policy.name)).all()
    return tuple(_policy_view(p, counts.get(p.id, 0)) for p in policies)


list_policies = reads(list_policies_in)


def _policy_problems(data: catalogue.PolicyInput) -> list[str]:
    problems = []
    if not data.name.strip():
        problems.append("the policy needs a name")
    if data.manufacturer_months < 0 or data.shop_months < 0:
        problems.append("months of cover cannot be negative")
    elif data.manufacturer_months + data.shop_months == 0:
        problems.append("the policy covers no months at all")
    for claim_type, kinds in data.evidence_required.items():
        if claim_type not in CLAIM_TYPES:
            problems.append(f"{claim_type!r} is not a claim type ({', '.join(CLAIM_TYPES)})")
        unknown = [k for k in kinds if k not in EVIDENCE_KINDS]
        if unknown:
            problems.append(f"claim type {claim_type!r} asks for unknown evidence "
                            f"{', '.join(unknown)} (known: {', '.join(EVIDENCE_KINDS)})")
    if data.claim_limit_count is not None and data.claim_limit_count < 1:
        problems.append("a claim limit must allow at least 1 claim (or set no limit)")
    if data.claim_limit_period_months < 1:
        problems.append("the claim limit period must be at least 1 month")
    if (cover_start := catalogue.online_cover_problem(data.online_cover_from)) is not None:
        problems.append(cover_start)
    # Naming a role that lacks the override permission would promise an override nobody gets.
    may = [r for r in Role if r is not Role.SYSTEM and allowed(r, Permission.OVERRIDE_RULE)]
    wrong = [ROLE_LABELS[r] for r in data.override_roles if r not in may]
    if wrong:
        problems.append(f"{', '.join(wrong)} may not override warranty rules; pick from "
                        f"{', '.join(ROLE_LABELS[r] for r in may)}")
    return problems


def update_policy_in(uow: UnitOfWork, actor: Actor, policy_id: uuid.UUID,
                  data: catalogue.PolicyInput) -> PolicyView:
    """Change a policy; warranties already sold keep the dates they were given."""
    require(actor, Permission.MANAGE_SETTINGS)
    problems = _policy_problems(data)
    if problems:
        raise BadInput(f"Policy {data.name!r} was not saved: " + "; ".join(problems) + ".")
    session = uow.session
    policy = session.get(Policy, policy_id)
    if policy is None:
        raise NotFound("That policy no longer exists. Reopen Settings to see the list.")
    name = data.name.strip()
    clash = session.scalars(select(Policy.id).where(Policy.name == name,
                                                    Policy.id != policy_id)).first()
    if clash is not None:
        raise BadInput(f"There is already a policy called {name!r}. Pick another name.")
    before, after = _apply(policy, {
        "name": name, "manufacturer_months": data.manufacturer_months,
        "shop_months": data.shop_months, "terms": data.terms.strip(),
        "exclusions": [e.strip() for e in data.exclusions if e.strip()],
        "evidence_required": {k: list(v) for k, v in data.evidence_required.items() if v},
        "serial_required": data.serial_required,
        "claim_limit_count": data.claim_limit_count,
        "claim_limit_period_months": data.claim_limit_period_months,
        "override_roles": [r.value for r in data.override_roles],
        "new_term_on_replacement": data.new_term_on_replacement,
        "message_edit_allowed": data.message_edit_allowed,
        "online_cover_from": data.online_cover_from})
    if after:
        audit.record(session, actor, "policy.update", "policy", policy.name,
                     {"before": before, "after": after})
        outbox.emit(session, "catalogue.policy_updated", "policy", policy.id.hex,
                    {"name": policy.name, "changed": after, **catalogue.policy_terms(policy)})
    products = session.scalar(select(func.count(Product.id))
                              .where(Product.policy_id == policy.id)) or 0
    return _policy_view(policy, products)


update_policy = writes(update_policy_in)


def _plan_view(plan: ExtensionPlan) -> PlanView:
    return PlanView(plan.id, plan.name, plan.months, plan.price_minor,
                    tuple(plan.categories or ()), plan.min_price_minor, plan.max_price_minor,
                    plan.max_days_since_sale, plan.active)


def list_extension_plans_in(uow: UnitOfWork) -> tuple[PlanView, ...]:
    """Every extension plan by name, offered or not."""
    session = uow.session
    plans = session.scalars(select(ExtensionPlan).order_by(ExtensionPlan.name)).all()
    return tuple(_plan_view(p) for p in plans)


list_extension_plans = reads(list_extension_plans_in)


def set_plan_active_in(uow: UnitOfWork, actor: Actor, plan_id: uuid.UUID, active: bool) -> PlanView:
    """Offer a plan at sale again, or stop offering it; plans already sold stay valid."""
    require(actor, Permission.MANAGE_SETTINGS)
    session = uow.session
    plan = session.get(ExtensionPlan, plan_id)
    if plan is None:
        raise NotFound("That extension plan no longer exists. Reopen Settings.")
    if plan.active != active:
        plan.active = active
        audit.record(session, actor, "extension_plan.update", "extension_plan", plan.name,
                     {"before": {"active": not active}, "after": {"active": active}})
        outbox.emit(session, "catalogue.plan_updated", "extension_plan", plan.id.hex,
                    plan_event(plan, money_of(session).currency))
    return _plan_view(plan)


set_plan_active = writes(set_plan_active_in)


# --- Products ----------------------------------------------------------------------------------


def import_products_csv_in(uow: UnitOfWork, actor: Actor, path: Path) -> int:
    """Add every product in a CSV file, or none, with every bad row listed; returns the count."""
    # Here: the CSV reader brings the import formats with it, and the setup (shown at start on
    # a new shop) loads this module for its other steps.
    from warranty_desk.services import product_csv

    require(actor, Permission.MANAGE_SETTINGS)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(sentences(f"Cannot read {path}: {exc.strerror}", "Check the file name "
                                 "and that the file is not open in another program.")) from None
    session = uow.session
    policies = {p.name: p.serial_required for p in session.scalars(select(Policy))}
    existing = set(session.scalars(select(Product.sku)))
    currency = money_of(session).currency
    items, problems = product_csv.read_products(data, policies, existing, currency)
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise ProductsRejected(path.name, problems)
    return catalogue.add_products_in(uow, actor, items)


import_products_csv = writes(import_products_csv_in)


def list_products_in(uow: UnitOfWork, search: str = "", *,
                     limit: int = 500) -> tuple[ProductView, ...]:
    """Products whose SKU, name, brand, category or GTIN contains the search words, by SKU."""
    query = (select(Product.sku, Product.name, Brand.name, Product.category, Policy.name,
                    Product.gtin, Product.serial_required, Product.list_price_minor)
             .join(Brand, Product.brand_id == Brand.id)
             .join(Policy, Product.policy_id == Policy.id))
    for word in search.split():
        # LIKE wildcards typed by a person are meant literally.
        pattern = "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        query = query.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in (
            Product.sku, Product.name, Brand.name, Product.category, Product.gtin))))
    session = uow.session
    rows = session.execute(query.order_by(Product.sku).limit(limit)).all()
    return tuple(ProductView(*row) for row in rows)


list_products = reads(list_products_in)
