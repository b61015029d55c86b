"""Sync health: each branch's pushes, projection and nightly drift, as head office sees them."""
