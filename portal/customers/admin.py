"""Head office sets where each branch is told of its customers' notes (the Django admin)."""

from django.contrib import admin

from portal.customers.models import BranchMailbox


@admin.register(BranchMailbox)
class BranchMailboxAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A branch's mailbox: one address per branch."""

    list_display = ("branch", "email")
    search_fields = ("branch__code", "email")
