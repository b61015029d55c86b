"""Reusable widgets: the scan field, the verdict card, tables and dialogs."""
