"""The customers app."""

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customers of every branch, signed in by a one-time code."""

    name = "portal.customers"
    label = "customers"

    def ready(self) -> None:
        """Mail the messages a branch queued once its events are projected."""
        from portal.customers.tasks import mail_new_messages
        from portal.projections.tasks import branch_projected

        branch_projected.connect(mail_new_messages, dispatch_uid="customers-mail")
