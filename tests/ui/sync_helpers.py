"""Shared numbers for the app's sync tests (their fixtures live in tests/ui/conftest.py)."""

from __future__ import annotations

# Seconds a cycle may take against the loopback portal: the demo shop's first push is a few
# hundred events; on a busy two-core test machine that is well under this.
CYCLE_MS = 30_000
