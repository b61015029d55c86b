"""Who may open which staff page: every view names the roles it admits, nothing is implied."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from portal.staff.models import Role, StaffMember

V = TypeVar("V", bound=Callable[..., HttpResponseBase])

EVERYONE = (Role.ADMIN, Role.SUPPORT, Role.AUDITOR)
MESSAGES = (Role.ADMIN, Role.SUPPORT)
ADMIN = (Role.ADMIN,)
# A supplier contact opens only their supplier's brand claims; every other page refuses them.
BRAND_CLAIMS = (*EVERYONE, Role.SUPPLIER)
SUPPLIER = (Role.SUPPLIER,)


def member_of(request: HttpRequest) -> StaffMember | None:
    """The signed-in person's staff record (None for anyone else)."""
    user: Any = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        member: StaffMember = user.staff_member
    except StaffMember.DoesNotExist:
        return None
    return member


def allow(*roles: str) -> Callable[[V], V]:
    """Admit signed-in staff of these roles; others are sent to sign in, or refused (403)."""
    def decorate(view: V) -> V:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            member = member_of(request)
            if member is None or member.role not in roles:
                return render(request, "office/forbidden.html", {
                    "member": member, "allowed": [Role(r).label for r in roles]}, status=403)
            request.staff = member  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)
        guarded.staff_roles = tuple(roles)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]
    return decorate
