"""The staff app."""

from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Head-office staff and their roles."""

    name = "portal.staff"
    label = "staff"
