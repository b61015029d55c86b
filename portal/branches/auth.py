"""Sync requests sign in with a branch token; a token speaks for its own branch only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from portal.branches.models import Branch
from portal.branches.services import TokenRefused, check_token
from portal.problems import Problem


class BranchToken(HttpBearer):
    """Authorization: Bearer <token>; the request's auth is then its Branch."""

    def authenticate(self, request: HttpRequest, token: str) -> Branch | None:
        try:
            return check_token(token)
        except TokenRefused as exc:
            raise Problem(401, str(exc), headers={"WWW-Authenticate": "Bearer"},
                          code="bad_token") from None


def branch_of(request: HttpRequest) -> Branch:
    """The branch the request's token belongs to."""
    auth: Any = getattr(request, "auth", None)
    if not isinstance(auth, Branch):
        raise Problem(401, "Missing or wrong sync token.")
    return auth


def own_branch(request: HttpRequest, code: str) -> Branch:
    """The request's branch, when it is the branch the path names; 403 wrong_branch otherwise."""
    branch = branch_of(request)
    if branch.code != code:
        # Authenticated, but not for this branch: 403, and nothing of the other branch is read.
        raise Problem(403, f"This sync token belongs to branch {branch.code}, not {code}. "
                           "Check the branch code and token in Settings → Sync.",
                      code="wrong_branch")
    return branch
