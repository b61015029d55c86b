"""The shop's catalogue: brands, policies, products and extension plans."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import normalize
from warranty_desk.errors import BadInput
from warranty_desk.models import Brand, ExtensionPlan, Policy, Product
from warranty_desk.permissions import Actor, Permission, Role, require
from warranty_desk.rules.evidence import EVIDENCE_KINDS
from warranty_desk.services import audit, outbox
from warranty_desk.services.extension_plans import PLAN_CODE, code_from_name, plan_event
from warranty_desk.services.shop_locale import money_of
from warranty_desk.services.unit_of_work import UnitOfWork, writes

# A product's details are a few hundred bytes: a catalogue file of thousands goes to head
# office in events of this many, each far below the 256 KB it takes in one event.
PRODUCTS_PER_EVENT = 200


@dataclass(frozen=True, slots=True)
class PolicyInput:
    """A warranty policy as the owner writes it."""

    name: str
    manufacturer_months: int = 12
    shop_months: int = 0
    terms: str = ""
    exclusions: tuple[str, ...] = ()
    evidence_required: dict[str, tuple[str, ...]] = field(default_factory=dict)
    serial_required: bool = True
    claim_limit_count: int | None = None
    claim_limit_period_months: int = 12
    override_roles: tuple[Role, ...] = (Role.MANAGER, Role.OWNER)
    new_term_on_replacement: bool = False
    # Staff may reword a claim's customer message before it leaves.
    message_edit_allowed: bool = True
    # When the cover of a sale made online starts: "sale" or "delivery" (ONLINE_COVER_FROM).
    online_cover_from: str = "sale"


# When an online sale's cover may start, in the words Settings shows.
ONLINE_COVER_FROM = {"sale": "on the order date", "delivery": "on delivery"}


def online_cover_problem(value: str) -> str | None:
    """Why a policy's online cover start is not one the till knows, or None."""
    if value in ONLINE_COVER_FROM:
        return None
    return (f"the cover of online sales starts {' or '.join(ONLINE_COVER_FROM.values())}, "
            f"not {value!r}")


@dataclass(frozen=True, slots=True)
class ProductInput:
    """A SKU with its brand, category and policy (by name)."""

    sku: str
    name: str
    brand: str
    category: str
    policy: str
    gtin: str | None = None
    serial_required: bool = True
    list_price_minor: int = 0
    supplier: str = ""


@dataclass(frozen=True, slots=True)
class ExtensionPlanInput:
    """A paid extension: price, months, and who may buy it."""

    name: str
    months: int
    price_minor: int
    categories: tuple[str, ...] = ()
    min_price_minor: int = 0
    max_price_minor: int | None = None
    max_days_since_sale: int = 30
    # How head office names the plan (CARE-12); made from the name when not given.
    code: str = ""


def _check_policy(data: PolicyInput) -> None:
    problems = []
    if not data.name.strip():
        problems.append("the policy needs a name")
    if data.manufacturer_months < 0 or data.shop_months < 0:
        problems.append("months of cover cannot be negative")
    if data.manufacturer_months + data.shop_months == 0:
        problems.append("the policy covers no months at all")
    for claim_type, kinds in data.evidence_required.items():
        unknown = [k for k in kinds if k not in EVIDENCE_KINDS]
        if unknown:
            problems.append(f"claim type {claim_type!r} asks for unknown evidence "
                            f"{', '.join(unknown)} (known: {', '.join(EVIDENCE_KINDS)})")
    if data.claim_limit_count is not None and data.claim_limit_count < 0:
        problems.append("the claim limit cannot be negative")
    if (wrong := online_cover_problem(data.online_cover_from)) is not None:
        problems.append(wrong)
    if problems:
        raise BadInput(f"Policy {data.name!r} was not saved: " + "; ".join(problems) + ".")


def policy_terms(policy: Policy) -> dict[str, Any]:
    """What head office hears of a policy's terms (catalogue.policy_updated): what the customer
    portal shows on a card and judges an online claim by, with the till's own rules, and the
    cover and terms text its product page words as the counter does (rules.product_cover)."""
    terms: dict[str, Any] = {
        "ref": policy.id.hex, "manufacturer_months": policy.manufacturer_months,
        "shop_months": policy.shop_months, "terms": policy.terms or "",
        "serial_required": policy.serial_required,
        "exclusions": list(policy.exclusions or ()),
        "evidence_required": {k: list(v) for k, v in (policy.evidence_required or {}).items()},
        "claim_limit_count": policy.claim_limit_count,
        "claim_limit_period_months": policy.claim_limit_period_months}
    # Only when it is not the default: without it head office reads "sale", as it does from
    # tills before the setting (and a policy set back to "sale" sends an event without it).
    if policy.online_cover_from != "sale":
        terms["online_cover_from"] = policy.online_cover_from
    return terms


def add_policy_in(uow: UnitOfWork, actor: Actor, data: PolicyInput) -> Policy:
    """Create a policy (owners and admins)."""
    require(actor, Permission.MANAGE_SETTINGS)
    _check_policy(data)
    session = uow.session
    if session.scalars(select(Policy).where(Policy.name == data.name.strip())).first():
        raise BadInput(f"There is already a policy called {data.name!r}.")
    policy = Policy(
        name=data.name.strip(), manufacturer_months=data.manufacturer_months,
        shop_months=data.shop_months, terms=data.terms, exclusions=list(data.exclusions),
        evidence_required={k: list(v) for k, v in data.evidence_required.items()},
        serial_required=data.serial_required, claim_limit_count=data.claim_limit_count,
        claim_limit_period_months=data.claim_limit_period_months,
        override_roles=[r.value for r in data.override_roles],
        new_term_on_replacement=data.new_term_on_replacement,
        message_edit_allowed=data.message_edit_allowed,
        online_cover_from=data.online_cover_from,
    )
    session.add(policy)
    session.flush()
    audit.record(session, actor, "policy.create", "policy", policy.name,
                 {"manufacturer_months": policy.manufacturer_months,
                  "shop_months": policy.shop_months})
    outbox.emit(session, "catalogue.policy_updated", "policy", policy.id.hex,
                {"name": policy.name, "changed": {}, **policy_terms(policy)})
    return policy


add_policy = writes(add_policy_in)


def brand_named(session: Session, name: str) -> Brand:
    """The brand of that name, created on first use."""
    brand = session.scalars(select(Brand).where(Brand.name == name.strip())).first()
    if brand is None:
        brand = Brand(name=name.strip())
        session.add(brand)
        session.flush()
    return brand


def add_products_in(uow: UnitOfWork, actor: Actor, items: list[ProductInput]) -> int:
    """Create products; all or nothing, every problem listed. Returns how many were added."""
    require(actor, Permission.MANAGE_SETTINGS)
    session = uow.session
    policies = {p.name: p for p in session.scalars(select(Policy))}
    existing = set(session.scalars(select(Product.sku)))
    problems: list[str] = []
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        sku = normalize.sku(item.sku)
        where = f"product {n} ({sku or 'no SKU'})"
        if not sku:
            problems.append(f"{where}: the SKU is empty")
        elif sku in existing or sku in seen:
            problems.append(f"{where}: SKU {sku} already exists")
        if not item.name.strip():
            problems.append(f"{where}: the name is empty")
        if item.policy not in policies:
            problems.append(f"{where}: unknown policy {item.policy!r}")
        if item.gtin and not (item.gtin.isdigit() and len(item.gtin) in (8, 12, 13, 14)):
            problems.append(f"{where}: GTIN {item.gtin!r} is not 8, 12, 13 or 14 digits")
        seen.add(sku)
    if problems:
        raise BadInput("No products were added:\n" + "\n".join(f"- {p}" for p in problems))
    added = []
    for item in items:
        brand = brand_named(session, item.brand)
        added.append(Product(
            sku=normalize.sku(item.sku), gtin=item.gtin.zfill(14) if item.gtin else None,
            name=item.name.strip(), category=item.category.strip().lower(),
            brand_id=brand.id, policy_id=policies[item.policy].id,
            serial_required=item.serial_required, list_price_minor=item.list_price_minor,
            supplier=item.supplier))
        session.add(added[-1])
    audit.record(session, actor, "product.create", "product", f"{len(items)} products",
                 {"skus": [normalize.sku(i.sku) for i in items][:100]})
    _send_products(session, [product_event(p, brand=i.brand.strip())
                             for p, i in zip(added, items, strict=True)])
    return len(items)


def _send_products(session: Session, described: list[dict[str, Any]]) -> None:
    money = money_of(session)
    for first in range(0, len(described), PRODUCTS_PER_EVENT):
        part = described[first:first + PRODUCTS_PER_EVENT]
        outbox.emit(session, "catalogue.products_added", "catalogue", "products",
                    {"skus": [p["sku"] for p in part], "currency": money.currency,
                     "locale": money.locale, "products": part})


def resend_catalogue_in(uow: UnitOfWork, actor: Actor) -> int:
    """Tell head office the whole catalogue again: every policy's terms, every product's
    details, every plan (its public product page shows a product only once it has them, and
    tills from before they travelled sent SKUs alone). Head office applies each by its newest
    seq, so sending again changes nothing else. Returns how many products went."""
    require(actor, Permission.MANAGE_SETTINGS)
    session = uow.session
    for policy in session.scalars(select(Policy).order_by(Policy.name)):
        outbox.emit(session, "catalogue.policy_updated", "policy", policy.id.hex,
                    {"name": policy.name, "changed": {}, **policy_terms(policy)})
    products = list(session.scalars(select(Product).order_by(Product.sku)))
    _send_products(session, [product_event(p, brand=p.brand.name) for p in products])
    currency = money_of(session).currency
    for plan in session.scalars(select(ExtensionPlan).order_by(ExtensionPlan.code)):
        outbox.emit(session, "catalogue.plan_updated", "extension_plan", plan.id.hex,
                    plan_event(plan, currency))
    audit.record(session, actor, "catalogue.resend", "catalogue", f"{len(products)} products",
                 {"products": len(products)})
    return len(products)


resend_catalogue = writes(resend_catalogue_in)


def product_event(product: Product, *, brand: str) -> dict[str, Any]:
    """What head office hears of a product (catalogue.products_added): what its product page
    shows, worded by the same rule as the counter's lookup (rules.product_cover)."""
    found: dict[str, Any] = {
        "sku": product.sku, "name": product.name, "gtin": product.gtin, "brand": brand,
        "category": product.category, "list_price_minor": product.list_price_minor,
        "policy_ref": product.policy_id.hex, "serial_required": product.serial_required}
    # Who supplies it, said only when not its brand (head office's metrics read it so): a
    # catalogue of a thousand products stays as short as before.
    if (product.supplier or "").strip():
        found["supplier"] = (product.supplier or "").strip()
    return found


add_products = writes(add_products_in)


def add_extension_plan_in(uow: UnitOfWork, actor: Actor, data: ExtensionPlanInput) -> ExtensionPlan:
    """Create a paid extension plan."""
    require(actor, Permission.MANAGE_SETTINGS)
    if data.months < 1 or data.price_minor < 0:
        raise BadInput("An extension plan needs at least 1 month and a price of 0 or more.")
    if data.max_price_minor is not None and data.max_price_minor < data.min_price_minor:
        raise BadInput("The highest item price is below the lowest; swap them.")
    session = uow.session
    if session.scalars(select(ExtensionPlan).where(ExtensionPlan.name == data.name)).first():
        raise BadInput(f"There is already an extension plan called {data.name!r}.")
    taken = set(session.scalars(select(ExtensionPlan.code)))
    code = data.code.strip().upper() or code_from_name(data.name, taken)
    if not PLAN_CODE.match(code):
        raise BadInput(f"{data.code!r} is not a plan code: use 2 to 20 capital letters, digits "
                       "and hyphens, for example CARE-12.")
    if code in taken:
        raise BadInput(f"Another extension plan already has the code {code}; choose another.")
    plan = ExtensionPlan(
        name=data.name, code=code, months=data.months, price_minor=data.price_minor,
        categories=[c.strip().lower() for c in data.categories],
        min_price_minor=data.min_price_minor, max_price_minor=data.max_price_minor,
        max_days_since_sale=data.max_days_since_sale)
    session.add(plan)
    session.flush()
    audit.record(session, actor, "extension_plan.create", "extension_plan", plan.name,
                 {"months": plan.months, "price_minor": plan.price_minor})
    # Head office learns the plan's code and terms here: its online orders name the plan by
    # the code, and the customer portal offers it by the same rule as the counter.
    outbox.emit(session, "catalogue.plan_updated", "extension_plan", plan.id.hex,
                plan_event(plan, money_of(session).currency))
    return plan


add_extension_plan = writes(add_extension_plan_in)
