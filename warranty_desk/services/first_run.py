"""The first-run setup of a new shop: each step saved through the shop's own services, resumable.

A step is saved whole in one unit of work together with the progress row, so a setup closed
half-way comes back at the step reached with what was typed, and nothing is half-saved. The
steps run before anyone can sign in, as the setup itself (the command-line role); once the
setup is finished every step here refuses, and the details are changed under Settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput
from warranty_desk.models import FirstRunProgress, Policy
from warranty_desk.permissions import Actor, Role
from warranty_desk.policy_presets import PolicyDraft, load_policy_presets
from warranty_desk.services import audit, catalogue, shop_settings, staff
from warranty_desk.services.first_run_checks import LogoFile, logo_problem
from warranty_desk.services.first_run_progress import (
    DONE,
    ROW_ID,
    STEPS,
    Progress,
    is_finished,
    owner_name,
    progress_in,
)
from warranty_desk.services.first_run_progress import progress as progress  # its callers' name
from warranty_desk.services.unit_of_work import UnitOfWork, writes
from warranty_desk.storage.database import clock_of
from warranty_desk.storage.documents import DocumentStore

# Who the audit log names for what the setup saved before the owner could sign in.
SETUP_ACTOR = Actor.system("first-run setup")
# Typed but never kept in a draft: the PIN, the sync token and the mail password.
SECRET_KEYS = frozenset({"pin", "again", "token", "smtp_password"})
# A draft value longer than this is no typing (a paste gone wrong): kept cut short.
_DRAFT_WIDTH = 2000


class SetupFinished(BadInput):
    """The setup is over: its steps no longer change anything."""

    def __init__(self) -> None:
        super().__init__("The first-run setup is already finished, so nothing was changed. "
                         "Sign in as the owner and change the shop's details under Settings.")


@dataclass(frozen=True, slots=True)
class ShopStep:
    """The shop as the first step asks for it."""

    name: str
    address: str
    locale: str
    currency: str
    timezone: str


# --- Saving a step ------------------------------------------------------------------------------


def progress_row(session: Session) -> FirstRunProgress | None:
    """The setup's one progress row; None before its first save (or on an older shop)."""
    return session.get(FirstRunProgress, ROW_ID)


def _open(session: Session) -> FirstRunProgress:
    """The progress row of a setup still under way (made on the first save)."""
    row = progress_row(session)
    if is_finished(session, row):
        raise SetupFinished
    if row is None:
        row = FirstRunProgress(id=ROW_ID, step=STEPS[0], drafts={})
        session.add(row)
    return row


def _plain(draft: Mapping[str, object]) -> dict[str, str]:
    return {str(k): str(v)[:_DRAFT_WIDTH] for k, v in draft.items() if k not in SECRET_KEYS}


def _keep(session: Session, row: FirstRunProgress, step: str, draft: Mapping[str, object],
          at: str) -> None:
    # A new dict, not a change inside the old one: the JSON column notices only assignments.
    row.drafts = {**(row.drafts or {}), step: _plain(draft)}
    row.step = at
    row.updated_at = clock_of(session).now()


def _saved(uow: UnitOfWork, row: FirstRunProgress, step: str,
           draft: Mapping[str, object]) -> Progress:
    _keep(uow.session, row, step, draft, STEPS[STEPS.index(step) + 1]
          if step != STEPS[-1] else DONE)
    uow.session.flush()
    return progress_in(uow)


def keep_draft_in(uow: UnitOfWork, step: str, draft: Mapping[str, object]) -> Progress:
    """Keep what was typed in a step without saving it (going back, or closing the app); the
    setup comes back to this step. PINs, tokens and passwords are never kept."""
    if step not in STEPS:
        raise BadInput(f"The setup has no step {step!r}.")
    session = uow.session
    row = _open(session)
    _keep(session, row, step, draft, step)
    session.flush()
    return progress_in(uow)


keep_draft = writes(keep_draft_in)


# --- The steps ---------------------------------------------------------------------------------


def save_shop_in(uow: UnitOfWork, data: ShopStep, documents: DocumentStore,
                 logo: LogoFile | None = None) -> Progress:
    """The shop's name, address, locale, currency and time zone, and its logo when one is
    picked (a PNG or JPEG of sane size, kept in the shop's documents)."""
    session = uow.session
    row = _open(session)
    now = shop_settings.get_shop_in(uow)
    shop_settings.update_shop_in(uow, SETUP_ACTOR, shop_settings.ShopUpdate(
        name=data.name, branch_name=now.branch_name, address=data.address, phone=now.phone,
        email=now.email, currency=data.currency, locale=data.locale, timezone=data.timezone,
        portal_url_template=now.portal_url_template))
    draft = {"name": data.name, "address": data.address, "locale": data.locale,
             "currency": data.currency, "timezone": data.timezone}
    if logo is not None:
        problem = logo_problem(logo)
        if problem:
            raise BadInput(problem)
        shop_settings.set_logo_in(uow, SETUP_ACTOR, documents, logo.data, name=logo.name)
        draft["logo"] = logo.name
    elif "logo" in (row.drafts or {}).get("shop", {}):
        draft["logo"] = row.drafts["shop"]["logo"]
    return _saved(uow, row, "shop", draft)


save_shop = writes(save_shop_in)

BRANCH_RULE = ("2 to 6 capital letters or digits (A-Z, 0-9), starting with a letter, for "
               "example BR01")


def save_branch_in(uow: UnitOfWork, code: str, branch_name: str) -> Progress:
    """The branch code (it starts every warranty code and claim number) and the branch name."""
    session = uow.session
    row = _open(session)
    cleaned = code.strip().upper()
    if not cleaned:
        raise BadInput(f"Type the branch code: {BRANCH_RULE}. It starts every warranty code "
                       "and claim number this branch hands out.")
    now = shop_settings.get_shop_in(uow)
    shop_settings.update_shop_in(uow, SETUP_ACTOR, shop_settings.ShopUpdate(
        name=now.name, branch_name=branch_name, address=now.address, phone=now.phone,
        email=now.email, currency=now.currency, locale=now.locale, timezone=now.timezone,
        portal_url_template=now.portal_url_template, branch_code=cleaned))
    return _saved(uow, row, "branch", {"code": cleaned, "branch_name": branch_name})


save_branch = writes(save_branch_in)


def save_owner_in(uow: UnitOfWork, name: str, pin: str, again: str) -> Progress:
    """The first owner's account, their PIN typed twice; an owner made already is kept."""
    session = uow.session
    row = _open(session)
    made = owner_name(session)
    if made:
        return _saved(uow, row, "owner", {"name": made})
    staff.check_pin(pin)
    if pin != again:
        raise BadInput("The two PINs differ. Type the same PIN in both fields.")
    view = staff.create_staff_in(uow, SETUP_ACTOR, name, Role.OWNER, pin)
    return _saved(uow, row, "owner", {"name": view.name})


save_owner = writes(save_owner_in)


def policy_drafts(done: Progress) -> tuple[PolicyDraft, ...]:
    """The policies step's rows: what was typed there before, else the presets."""
    draft = done.draft("policies")
    if "count" not in draft:
        return load_policy_presets()
    rows = []
    for i in range(int(draft["count"])):
        def value(key: str, i: int = i) -> str:
            return draft.get(f"{i}.{key}", "")
        rows.append(PolicyDraft(
            value("name"), int(value("months") or 0), int(value("shop_months") or 0),
            value("terms"), tuple(x for x in value("exclusions").split("\n") if x.strip()),
            value("chosen") == "yes"))
    return tuple(rows)


def policy_draft(rows: Sequence[PolicyDraft]) -> dict[str, str]:
    """The policies step's rows as a draft of plain values (policy_drafts reads it back)."""
    draft = {"count": str(len(rows))}
    for i, p in enumerate(rows):
        draft |= {f"{i}.name": p.name, f"{i}.months": str(p.months),
                  f"{i}.shop_months": str(p.shop_months), f"{i}.terms": p.terms,
                  f"{i}.exclusions": "\n".join(p.exclusions),
                  f"{i}.chosen": "yes" if p.chosen else "no"}
    return draft


def save_policies_in(uow: UnitOfWork, rows: Sequence[PolicyDraft]) -> Progress:
    """The chosen policies, made (or, when the step is saved again, changed) as edited."""
    session = uow.session
    row = _open(session)
    chosen = [p for p in rows if p.chosen]
    if not chosen:
        raise BadInput("Pick at least one policy (Space ticks it). You can add and change "
                       "policies later under Settings > Policies.")
    names = [" ".join(p.name.split()) for p in chosen]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BadInput(f"Two policies are called {twice[0]!r}: give each a name of its own.")
    for p, name in zip(chosen, names, strict=True):
        data = catalogue.PolicyInput(name=name, manufacturer_months=p.months,
                                     shop_months=p.shop_months, terms=p.terms.strip(),
                                     exclusions=tuple(x.strip() for x in p.exclusions
                                                      if x.strip()))
        existing = session.scalars(select(Policy.id).where(Policy.name == name)).first()
        if existing is None:
            catalogue.add_policy_in(uow, SETUP_ACTOR, data)
        else:
            shop_settings.update_policy_in(uow, SETUP_ACTOR, existing, data)
    return _saved(uow, row, "policies", policy_draft(rows))


save_policies = writes(save_policies_in)


def save_test_in(uow: UnitOfWork, step: str, result: str) -> Progress:
    """The scanner or printer test's outcome in plain words ("" when it was skipped)."""
    if step not in ("scanner", "printer"):
        raise BadInput(f"The setup has no test called {step!r}.")
    session = uow.session
    row = _open(session)
    return _saved(uow, row, step, {"result": result.strip() or "skipped"})


save_test = writes(save_test_in)


def finish_in(uow: UnitOfWork, choice: str, draft: Mapping[str, object]) -> Progress:
    """End the setup: head office (its settings already checked and stored) or working
    alone. Needs the owner's account, so that someone can sign in afterwards."""
    if choice not in ("head_office", "alone"):
        raise BadInput(f"Pick head office or working alone, not {choice!r}.")
    session = uow.session
    row = _open(session)
    if not owner_name(session):
        raise BadInput("Nobody could sign in yet: go back to the owner's step and make the "
                       "owner's account first.")
    done = _saved(uow, row, "head_office", {**draft, "choice": choice})
    row.finished_at = clock_of(session).now()
    shop = shop_settings.get_shop_in(uow)
    audit.record(session, SETUP_ACTOR, "setup.finish", "shop", shop.branch_code,
                 {"choice": choice, "steps": {s: done.draft(s).get("result", "saved")
                                              for s in ("scanner", "printer")}})
    session.flush()
    return progress_in(uow)


finish = writes(finish_in)
