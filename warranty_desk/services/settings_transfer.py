"""Settings export and import: one branch's whole configuration set up on another, no secrets.

Configuration is what the owner sets once and a second branch wants the same: the shop-wide
details (name, currency, locale, time zone, portal link, reminder and follow-up days, the
settlement limit), this till's config.toml (devices, sync addresses, nightly backup days),
the warranty policies, the extension plans and the suppliers' warranty terms. Records are
what the shop does and who works there: products, customers, sales, warranties, claims, staff
and their PINs; they are not in the file. Tokens and passwords live in the secret store and are
never read here.

The branch's own identity (its code, name, address, phone, email and the code head office knows
it by) is written to the file under [branch] for reference but never imported: the report says
it was kept. An import is one transaction: every problem in the file is listed, and nothing
changes unless there are none.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from warranty_desk import config, settings_file
from warranty_desk.errors import BadInput, WarrantyDeskError
from warranty_desk.models import ExtensionPlan, Policy, Shop, SupplierTerms
from warranty_desk.permissions import Actor, Permission, Role, require
from warranty_desk.rules.recovery import RECOVERABLE_KINDS
from warranty_desk.services import audit, catalogue, shop_settings, supplier_terms
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.settings_file import POLICY, SettingsRejected
from warranty_desk.storage.home import Home


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import changed, and the branch identity it kept."""

    from_branch: str
    kept_branch: str
    policies_added: int
    policies_updated: int
    plans_added: int
    supplier_terms: int


def _till(settings: config.Settings) -> dict[str, Any]:
    sync = {k: v for k, v in asdict(settings.sync).items() if k != "branch"}
    scanner = {**asdict(settings.scanner), "suffix": config.suffix_name(settings.scanner.suffix)}
    return {"theme": settings.theme, "idle_minutes": settings.idle_minutes,
            "portal_url_template": settings.portal_url_template,
            "backup_keep_days": settings.backup_keep_days, "scanner": scanner,
            "printing": asdict(settings.printers), "sync": sync}


def _policy(policy: Policy) -> dict[str, Any]:
    values = {key: getattr(policy, key) for key in POLICY}
    values["exclusions"] = list(policy.exclusions or ())
    values["evidence_required"] = {k: list(v) for k, v in (policy.evidence_required or {}).items()}
    values["override_roles"] = list(policy.override_roles or ())
    return values


def _terms(row: SupplierTerms) -> dict[str, Any]:
    return {"supplier": row.supplier, "kinds": [k for k in RECOVERABLE_KINDS if getattr(row, k)],
            "window_from": row.window_from, "window_days": row.window_days,
            "stale_after_days": row.stale_after_days, "packet_profile": row.packet_profile,
            "service_centre": row.service_centre}


def gather_in(uow: UnitOfWork, actor: Actor, home: Home) -> dict[str, Any]:
    """The whole configuration as the file holds it (owners and admins)."""
    require(actor, Permission.MANAGE_SETTINGS)
    session = uow.session
    shop = session.scalars(select(Shop)).one()
    settings = config.load(home).settings
    return {
        "kind": settings_file.KIND, "version": settings_file.VERSION,
        "exported_at": uow.clock.now().isoformat(),
        "branch": {"code": shop.branch_code, "name": shop.branch_name,
                   "address": shop.address, "phone": shop.phone, "email": shop.email,
                   "sync_branch": settings.sync.branch},
        "shop": {key: getattr(shop, key) for key in settings_file.SHOP},
        "till": _till(settings),
        "policies": [_policy(p) for p in session.scalars(select(Policy).order_by(Policy.name))],
        "extension_plans": [{key: getattr(plan, key) for key in settings_file.PLAN}
                            for plan in session.scalars(select(ExtensionPlan)
                                                        .order_by(ExtensionPlan.code))],
        "supplier_terms": [_terms(row) for row in session.scalars(
            select(SupplierTerms).order_by(SupplierTerms.supplier))],
    }


gather = reads(gather_in)


def _till_settings(till: dict[str, Any], current: config.Settings) -> config.Settings:
    scanner = dict(till["scanner"])
    scanner["suffix"] = config.SUFFIXES.get(scanner["suffix"], scanner["suffix"])
    return replace(
        current, theme=till["theme"], idle_minutes=till["idle_minutes"],
        portal_url_template=till["portal_url_template"],
        backup_keep_days=till["backup_keep_days"],
        scanner=config.ScannerSettings(**scanner),
        printers=config.PrinterSettings(**till["printing"]),
        # The code head office knows this till by is this branch's own: it stays.
        sync=config.SyncSettings(**till["sync"], branch=current.sync.branch))


def _policy_input(values: dict[str, Any]) -> catalogue.PolicyInput:
    roles = [Role(r) for r in values["override_roles"] if r in {x.value for x in Role}]
    unknown = [r for r in values["override_roles"] if r not in {x.value for x in Role}]
    if unknown:
        raise BadInput(f"override_roles names {', '.join(unknown)}, not roles; use "
                                f"{', '.join(r.value for r in Role if r is not Role.SYSTEM)}")
    known = {f.name for f in fields(catalogue.PolicyInput)}
    return catalogue.PolicyInput(**{
        **{k: v for k, v in values.items() if k in known},
        "exclusions": tuple(values["exclusions"]),
        "evidence_required": {k: tuple(v) for k, v in values["evidence_required"].items()},
        "override_roles": tuple(roles)})


def _add_policy(uow: UnitOfWork, actor: Actor, values: dict[str, Any]) -> Policy:
    return catalogue.add_policy_in(uow, actor, _policy_input(values))


def _update_policy(uow: UnitOfWork, actor: Actor, policy_id: uuid.UUID,
                   values: dict[str, Any]) -> object:
    return shop_settings.update_policy_in(uow, actor, policy_id, _policy_input(values))


def _set_terms(uow: UnitOfWork, actor: Actor, values: dict[str, Any]) -> object:
    return supplier_terms.set_terms_in(uow, actor, supplier_terms.TermsInput(
        **{**values, "kinds": frozenset(values["kinds"])}))


def _plan(uow: UnitOfWork, actor: Actor, values: dict[str, Any]) -> bool:
    """Add a plan the shop lacks (True); one it has by code must have the same terms."""
    plan = uow.session.scalars(select(ExtensionPlan)
                               .where(ExtensionPlan.code == values["code"])).first()
    if plan is None:
        made = catalogue.add_extension_plan_in(uow, actor, catalogue.ExtensionPlanInput(
            **{k: v for k, v in values.items() if k != "active"}
            | {"categories": tuple(values["categories"])}))
        if not values["active"]:
            shop_settings.set_plan_active_in(uow, actor, made.id, False)
        return True
    here = {key: getattr(plan, key) for key in settings_file.PLAN if key != "active"}
    if here != {k: v for k, v in values.items() if k != "active"}:
        raise BadInput(
            f"this shop already has plan {plan.code} ({plan.name}) with other terms, and plans "
            "already sold cannot change: give the plan in the file another code and name")
    shop_settings.set_plan_active_in(uow, actor, plan.id, values["active"])
    return False


def import_settings_in(uow: UnitOfWork, actor: Actor, home: Home, path: Path) -> ImportReport:
    """Set this branch up from an exported file: all or nothing, every problem listed."""
    require(actor, Permission.MANAGE_SETTINGS)
    path = Path(path)
    data = settings_file.read(path)
    session = uow.session
    problems: list[str] = []

    def step(where: str, work: Callable[..., object], *args: Any) -> object:
        try:
            with uow.step():
                return work(uow, actor, *args)
        except WarrantyDeskError as exc:
            problems.append(f"{where}: {exc}")
            return None

    current = config.load(home).settings
    till = _till_settings(data["till"], current)
    problems += [f"till: {p}; change it in the file" for p in config.problems(till)]
    shop = shop_settings.get_shop_in(uow)
    values = data["shop"]
    step("shop", shop_settings.update_shop_in, shop_settings.ShopUpdate(
        name=values["name"], branch_name=shop.branch_name, address=shop.address,
        phone=shop.phone, email=shop.email, currency=values["currency"],
        locale=values["locale"], timezone=values["timezone"],
        portal_url_template=values["portal_url_template"],
        reminder_days=values["reminder_days"],
        follow_up_open_days=values["follow_up_open_days"]))
    step("shop.settlement_limit_minor", supplier_terms.set_settlement_limit_in,
         values["settlement_limit_minor"])
    existing = {p.name: p.id for p in session.scalars(select(Policy))}
    added = updated = 0
    for index, policy in enumerate(data["policies"], start=1):
        where = f"policies[{index}] ({policy['name']})"
        if policy["name"] in existing:
            if step(where, _update_policy, existing[policy["name"]], policy) is not None:
                updated += 1
        elif step(where, _add_policy, policy) is not None:
            added += 1
    plans = [step(f"extension_plans[{index}] ({plan['code']})", _plan, plan)
             for index, plan in enumerate(data["extension_plans"], start=1)]
    for index, terms in enumerate(data["supplier_terms"], start=1):
        step(f"supplier_terms[{index}] ({terms['supplier']})", _set_terms, terms)
    if problems:
        raise SettingsRejected(path.name, problems)  # the unit rolls back: nothing changed
    config.save(home, till)  # last: a refusal here still rolls the database back
    audit.record(session, actor, "settings.import", "shop", shop.branch_code,
                 {"file": path.name, "from_branch": data["branch"]["code"]})
    return ImportReport(from_branch=data["branch"]["code"], kept_branch=shop.branch_code,
                        policies_added=added, policies_updated=updated,
                        plans_added=sum(1 for p in plans if p is True),
                        supplier_terms=len(data["supplier_terms"]))


import_settings = writes(import_settings_in)


def kept_words(report: ImportReport) -> str:
    """What an import says of the branch identity it kept, and what it changed."""
    source = (f"the file came from {report.from_branch}" if report.from_branch
              != report.kept_branch else "the file came from this branch's own code")
    return (f"Imported the settings: {report.policies_added} policies added, "
            f"{report.policies_updated} updated, {report.plans_added} extension plans added, "
            f"{report.supplier_terms} suppliers' terms set. This branch's own details were "
            f"kept, not imported: its code {report.kept_branch} ({source}), name, address, "
            "phone, email and the code head office knows it by. Staff, products and the "
            "secrets (tokens, passwords, PINs) are never in the file: add them here.")
