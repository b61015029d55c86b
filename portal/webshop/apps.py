"""The webshop app."""

from django.apps import AppConfig


class WebshopConfig(AppConfig):
    """Order webhooks from the chain's web shops, and the log of every delivery."""

    name = "portal.webshop"
    label = "webshop"
    verbose_name = "Web shops"
