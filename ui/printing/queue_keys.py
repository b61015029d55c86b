"""The print queue's key and change word: light, so the status bar needs no printing code."""

from __future__ import annotations

QUEUE_KEY = "F7"  # the Print queue screen's key, named in every "waits in the queue" notice
QUEUE_CHANGED = "print_queue"  # what ctx.data_changed says after a print or a retry
