"""The customers app."""

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customers of every branch, signed in by a one-time code."""

    name = "portal.customers"
    label = "customers"

    def ready(self) -> None:
        """Sessions, last sign-in and sign-in codes age on the portal clock; the messages a
        branch queued are mailed once its events are projected; a rebuild keeps what customers
        started online."""
        from portal import sessions
        from portal.customers.rebuilds import keep_across_rebuild
        from portal.customers.tasks import mail_new_messages
        from portal.projections.projector import rebuilding
        from portal.projections.tasks import branch_projected

        sessions.install()
        branch_projected.connect(mail_new_messages, dispatch_uid="customers-mail")
        rebuilding.connect(keep_across_rebuild, dispatch_uid="customers-rebuild")
