"""The projections app."""

from django.apps import AppConfig


class ProjectionsConfig(AppConfig):
    """Customers, products, warranties, claims, messages and documents per branch."""

    name = "portal.projections"
    label = "projections"
