"""Django's admin, for what no staff page covers: who is staff in which role, branch names.

Only head-office admins get in (Django's own is_staff flag is set for them and no one else by
`staff add`); they may change roles and names, never the counts the sync keeps, and branches
are registered with `warranty-desk-portal branch add` (which shows the token once).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.branches.models import Branch
from portal.staff.models import Role, StaffMember
from portal.staff.views.signin import AdminSignInForm

# The admin's own sign-in page counts toward the staff sign-in rate limit too.
admin.site.login_form = AdminSignInForm


def _is_admin(request: HttpRequest) -> bool:
    user: Any = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    member = StaffMember.objects.filter(user=user).first()
    return member is not None and member.role == Role.ADMIN


class HeadOfficeOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Open to head-office admins, whatever Django permissions their account carries."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # staff and branches are added by command, which shows secrets once

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StaffMember)
class StaffMemberAdmin(HeadOfficeOnly):
    """Change a person's role, and the supplier a supplier contact speaks for."""

    list_display = ("user", "role", "supplier")
    list_filter = ("role",)
    search_fields = ("user__username", "supplier")
    readonly_fields = ("user",)
    fields = ("user", "role", "supplier")


@admin.register(Branch)
class BranchAdmin(HeadOfficeOnly):
    """Name a branch; its code and sync counts are the sync's."""

    list_display = ("code", "name", "last_push_at", "events_stored")
    search_fields = ("code", "name")
    readonly_fields = ("code", "created_at", "last_push_at", "events_stored",
                       "events_received", "inbox_queued", "inbox_acked")
    fields = ("code", "name", *readonly_fields[1:])
