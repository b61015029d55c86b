"""The health app."""

from django.apps import AppConfig


class HealthConfig(AppConfig):
    """Drift findings from the branches' nightly reports."""

    name = "portal.health"
    label = "health"
