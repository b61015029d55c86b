"""Delivery of outbox events to head office and pull of the portal inbox."""
