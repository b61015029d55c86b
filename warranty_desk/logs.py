"""The rotating log under the home folder, where bugs are written with their traceback."""

from __future__ import annotations

import io
import logging
import logging.handlers
from pathlib import Path

from warranty_desk.storage.home import Home
from warranty_desk.storage.private import open_private

LOG_NAME = "warranty-desk.log"
# A few MB per file and five old files: weeks of a busy counter, never a full disk.
MAX_BYTES = 2_000_000
BACKUPS = 5


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files only their owner may read: lines name customers and staff."""

    def _open(self) -> io.TextIOWrapper:
        return open_private(Path(self.baseFilename), self.mode, self.encoding, self.errors)


def setup_logging(home: Home) -> logging.Handler:
    """Send INFO and above to <home>/logs/warranty-desk.log, rotated; idempotent per file."""
    home.ensure()
    path = home.logs / LOG_NAME
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and \
                handler.baseFilename == str(path):
            return handler
    handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES,
                                         backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler
