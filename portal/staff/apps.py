"""The staff app."""

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _forget_metric_pages(**kwargs: Any) -> None:
    # A new release may build its metric pages otherwise: none kept from before is served.
    from portal.staff import metric_store

    metric_store.forget(kwargs.get("using", "default"))


class StaffConfig(AppConfig):
    """Head-office staff and their roles."""

    name = "portal.staff"
    label = "staff"

    def ready(self) -> None:
        post_migrate.connect(_forget_metric_pages, sender=self)
