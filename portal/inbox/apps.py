"""The inbox app."""

from django.apps import AppConfig


class InboxConfig(AppConfig):
    """Inbox items per branch."""

    name = "portal.inbox"
    label = "inbox"
