"""The branches app."""

from django.apps import AppConfig


class BranchesConfig(AppConfig):
    """Branches and their tokens."""

    name = "portal.branches"
    label = "branches"
