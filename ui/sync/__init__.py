"""Sync inside the counter app: the background worker, the status-bar indicator, panel models."""
