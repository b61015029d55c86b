"""Warranty Desk core: models, rules, services, storage and the headless commands."""

__version__ = "0.1.0"
