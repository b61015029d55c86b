"""The customers app."""

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customers of every branch, signed in by a one-time code."""

    name = "portal.customers"
    label = "customers"

    def ready(self) -> None:
        """Sessions, last sign-in and sign-in codes age on the portal clock."""
        from portal import sessions

        sessions.install()
