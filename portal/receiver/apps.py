"""The receiver app."""

from django.apps import AppConfig


class ReceiverConfig(AppConfig):
    """Events, documents and nightly reports as received."""

    name = "portal.receiver"
    label = "receiver"
