"""Branches of the chain and the sync tokens their tills use."""
