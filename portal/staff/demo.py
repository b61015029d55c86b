"""The demo set-up `make run` uses: one branch and one head-office admin, safe to run again."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction

from portal.branches import services as branches
from portal.branches.models import Branch
from portal.staff.models import Role, StaffMember

if TYPE_CHECKING:
    from portal.projections.models import Customer


@dataclass(frozen=True, slots=True)
class Demo:
    """What the demo till and the person trying it need."""

    branch: str
    token: str
    email: str
    password: str

    def to_json(self) -> dict[str, str]:
        """For scripts (make run)."""
        return {"branch": self.branch, "token": self.token, "email": self.email,
                "password": self.password}


def set_up_demo(code: str, name: str, email: str) -> Demo:
    """Register the branch once; each run revokes its old tokens and issues a fresh one, and
    gives the demo admin a fresh password (neither is kept anywhere in plain text).
    """
    code, email = code.strip().upper(), email.strip().lower()
    if Branch.objects.filter(code=code).exists():
        branches.revoke_tokens(code)
        token = branches.issue_token(code)
    else:
        token = branches.register_branch(code, name)[1]
    password = secrets.token_urlsafe(12)
    users = get_user_model()
    with transaction.atomic():
        user = users.objects.filter(username=email).first()
        if user is None:
            user = users.objects.create_user(username=email, email=email, is_staff=True)
        user.set_password(password)
        user.is_active = True
        user.save()
        StaffMember.objects.update_or_create(user=user, defaults={"role": Role.ADMIN})
    return Demo(code, token, email, password)


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    """A customer of the demo branch a newcomer can sign in as, and what each page shows them."""

    email: str
    name: str
    products: int
    claim: str  # an open claim's number (timeline, documents, messages), "" when none
    claimable: str  # a product a claim may be started on today, "" when none
    extendable: str  # a product an extension plan may be bought for today, "" when none

    def to_json(self) -> dict[str, str | int]:
        """For scripts (make run)."""
        return {"email": self.email, "name": self.name, "products": self.products,
                "claim": self.claim, "claimable": self.claimable,
                "extendable": self.extendable}

    def pages(self) -> int:
        """How many of the three things to try this customer has: open claim, claim, plan."""
        return sum(1 for thing in (self.claim, self.claimable, self.extendable) if thing)


def _tried(customer: Customer, email: str, today: date) -> DemoCustomer:
    """What the customer can try on the portal today."""
    from portal.customers.eligibility import facts_for, verdict
    from portal.customers.extensions import offers
    from warranty_desk.rules.claim_states import OPEN_STATES

    warranties = list(customer.warranties.select_related("branch", "product")
                      .prefetch_related("layers").order_by("code"))
    facts = facts_for(warranties)
    open_claim = (customer.claims.filter(state__in=OPEN_STATES).order_by("number")
                  .values_list("number", flat=True).first())
    claimable = next((w for w in warranties
                      if verdict(w, today, facts=facts[w.pk]).eligible), None)
    extendable = next((w for w in warranties
                       if any(o.verdict.eligible for o in offers(w, today))), None)
    return DemoCustomer(
        email, customer.name, len(warranties), open_claim or "",
        (claimable.product.name if claimable and claimable.product else "") or "",
        (extendable.product.name if extendable and extendable.product else "") or "")


def demo_customer(code: str) -> DemoCustomer | None:
    """The demo branch's customer with an email who can try the most pages (an open claim,
    a product to claim on, a plan to extend with; then the most products), with the account
    they sign in to (made once); None until the branch's sales are projected.
    """
    from portal import clock
    from portal.customers.identity import account_for
    from portal.projections.models import Customer

    today = clock.today()
    best: DemoCustomer | None = None
    for found in (Customer.objects.filter(branch__code=code.strip().upper(),
                                          warranties__isnull=False)
                  .exclude(email="").distinct().order_by("reference")):
        account = account_for(email=found.email)
        if account is None:  # bought nothing that head office holds a warranty for
            continue
        tried = _tried(found, account.email, today)
        # An open claim fills three pages (timeline, documents, messages): first among equals.
        if best is None or ((tried.pages(), bool(tried.claim), tried.products)
                            > (best.pages(), bool(best.claim), best.products)):
            best = tried
    return best
