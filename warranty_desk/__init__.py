"""Warranty Desk core: models, rules, services, storage and the headless commands."""
