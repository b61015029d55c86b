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
