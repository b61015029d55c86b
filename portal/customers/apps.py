"""The customers app."""

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customers of every branch, signed in by a one-time code."""

    name = "portal.customers"
    label = "customers"
