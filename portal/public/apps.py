"""The public app."""

from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The warranty check page."""

    name = "portal.public"
    label = "public"
