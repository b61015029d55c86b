"""Registering branches and issuing, revoking and checking their sync tokens."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from portal import clock
from portal.branches import tokens
from portal.branches.models import Branch, BranchToken
from portal.errors import PortalInputError

BRANCH_CODE = re.compile(r"^[A-Z0-9]{2,6}$")


def register_branch(code: str, name: str = "") -> tuple[Branch, str]:
    """A new branch and its first token (the only time the token is shown)."""
    code = code.strip().upper()
    if not BRANCH_CODE.match(code):
        raise PortalInputError(f"{code!r} is not a branch code: use 2 to 6 letters or digits, "
                               "as the till's numbers show it (for example BR01).")
    try:
        with transaction.atomic():
            branch = Branch.objects.create(code=code, name=name.strip())
            return branch, _issue(branch)
    except IntegrityError:
        raise PortalInputError(f"Branch {code} is already registered; to give its till a new "
                               f"token, issue one for it instead.") from None


def issue_token(code: str) -> str:
    """Another token for a branch (for a new till, or before revoking the old one)."""
    with transaction.atomic():
        return _issue(_branch(code))


def revoke_tokens(code: str) -> int:
    """Revoke every live token of a branch; how many were live."""
    return BranchToken.objects.filter(branch=_branch(code), revoked_at__isnull=True).update(
        revoked_at=clock.now())


def _branch(code: str) -> Branch:
    try:
        return Branch.objects.get(code=code.strip().upper())
    except Branch.DoesNotExist:
        raise PortalInputError(f"No branch {code.strip().upper()!r} is registered.") from None


def _issue(branch: Branch) -> str:
    text, parts = tokens.new_token()
    BranchToken.objects.create(branch=branch, selector=parts.selector,
                               digest=tokens.digest(parts.secret))
    return text


def branch_of_token(text: str) -> Branch | None:
    """The branch a live token belongs to, or None for a wrong, unknown or revoked token."""
    parts = tokens.split(text)
    if parts is None:
        return None
    row = (BranchToken.objects.select_related("branch")
           .filter(selector=parts.selector, revoked_at__isnull=True).first())
    if row is None or not tokens.matches(parts.secret, row.digest):
        return None
    return row.branch
