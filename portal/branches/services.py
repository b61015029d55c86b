"""Registering branches and issuing, revoking and checking their sync tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from portal import clock
from portal.branches import tokens
from portal.branches.models import Branch, BranchToken
from portal.errors import PortalInputError

BRANCH_CODE = re.compile(r"^[A-Z0-9]{2,6}$")
# How long a rotated branch's older tokens keep working: time for someone at the till to
# enter the new one, on a day the shop is open, without a gap in syncing.
ROTATION_GRACE = timedelta(days=7)


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


@dataclass(frozen=True, slots=True)
class Rotated:
    """A new token (its text shown only now) and when the branch's older tokens stop."""

    token: str
    old_until: datetime
    replaced: int


def rotate_token(code: str) -> Rotated:
    """A new token for the branch; its older live tokens keep working for ROTATION_GRACE.

    A token already on its way out keeps its own, earlier, end: rotating again never gives an
    old token more time.
    """
    now = clock.now()
    until = now + ROTATION_GRACE
    with transaction.atomic():
        branch = Branch.objects.select_for_update().get(pk=_branch(code).pk)
        live = BranchToken.objects.filter(branch=branch, revoked_at__isnull=True)
        replaced = live.filter(expires_at__isnull=True).update(expires_at=until)
        text = _issue(branch)
    return Rotated(text, until, replaced)


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
    """The branch a live token belongs to, or None for a wrong, unknown, revoked or expired one."""
    try:
        return check_token(text)
    except TokenRefused:
        return None


class TokenRefused(Exception):
    """A token the portal does not take, with what the till's people should do about it."""


def check_token(text: str) -> Branch:
    """The branch of a live token; TokenRefused saying why (and what to do) for any other.

    Only a token whose secret matches says more than "wrong": what a stranger could learn
    from a selector alone is nothing.
    """
    parts = tokens.split(text)
    row = (BranchToken.objects.select_related("branch").filter(selector=parts.selector).first()
           if parts is not None else None)
    if parts is None or row is None or not tokens.matches(parts.secret, row.digest):
        raise TokenRefused("Missing or wrong sync token. Check the token in Settings → Sync, "
                           "or ask head office for a new one.")
    if row.revoked_at is not None:
        raise TokenRefused(f"This sync token of branch {row.branch.code} was revoked on "
                           f"{row.revoked_at:%Y-%m-%d %H:%M} UTC. Ask head office for a new "
                           "token and enter it in Settings → Sync.")
    if row.expires_at is not None and clock.now() >= row.expires_at:
        raise TokenRefused(f"This sync token of branch {row.branch.code} was replaced by a "
                           f"new one and stopped working on {row.expires_at:%Y-%m-%d %H:%M} "
                           "UTC. Enter the new token head office gave for this branch in "
                           "Settings → Sync.")
    return row.branch
