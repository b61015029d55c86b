"""The demo set-up `make run` uses: one branch and one head-office admin, safe to run again."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from portal.branches import services as branches
from portal.branches.models import Branch
from portal.staff.models import Role, StaffMember


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
    """A customer of the demo branch a newcomer can sign in as."""

    email: str
    name: str
    products: int
    claim: str  # one of their claim numbers, "" when they have none

    def to_json(self) -> dict[str, str | int]:
        """For scripts (make run)."""
        return {"email": self.email, "name": self.name, "products": self.products,
                "claim": self.claim}


def demo_customer(code: str) -> DemoCustomer | None:
    """The demo branch's customer with an email, a claim and the most products, with the
    account they sign in to (made once); None until the branch's sales are projected.
    """
    from django.db.models import Count, Max

    from portal.customers.identity import account_for
    from portal.projections.models import Customer

    found = (Customer.objects.filter(branch__code=code.strip().upper()).exclude(email="")
             .annotate(products=Count("warranties", distinct=True),
                       claim_count=Count("claims", distinct=True),
                       claim=Max("claims__number"))
             .filter(products__gt=0).order_by("-claim_count", "-products", "reference").first())
    if found is None:
        return None
    account = account_for(email=found.email)
    if account is None:  # bought nothing that head office holds a warranty for
        return None
    return DemoCustomer(account.email, found.name, int(getattr(found, "products", 0)),
                        str(getattr(found, "claim", None) or ""))
