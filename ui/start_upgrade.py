"""Brings an older shop database up to this version on a worker thread, so the window stays alive.

A new version's migrations can take a while on a large shop (8 s for a million warranties when
0008 rebuilt five tables). Run on the GUI thread they froze the first window, and a frozen
window is one the person kills. SQLite releases the GIL while it works, so the bar keeps moving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ui.tasks import ThreadThen
from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    from warranty_desk.clock import Clock

# How often the GUI thread looks whether the upgrade has finished.
POLL_MS = 100


def upgrade_needed(home: Home) -> bool:
    """Whether the shop's file exists at an older schema (a new file is set up in the start)."""
    from warranty_desk.storage import schema

    return home.database.exists() and not schema.file_at_head(home.database)


class SchemaUpgrade:
    """One upgrade of the home's database; `done` gets None, or what went wrong in words."""

    def __init__(self, home: Home, done: Callable[[str | None], None], clock: Clock) -> None:
        self.home = home
        self.clock = clock
        self._done = done
        self._error: str | None = None
        self._work = ThreadThen(self._run, lambda: self._done(self._error),
                                name="schema-upgrade", poll_ms=POLL_MS)

    def start(self) -> None:
        """Begin on the worker thread; `done` is called on the GUI thread."""
        self._work.start()

    def _run(self) -> None:
        from warranty_desk.services import upgrade

        try:
            # Backed up first; a failure puts that backup back and says so in its message.
            upgrade.upgrade_if_older(self.home, self.clock)
        except upgrade.UpgradeFailed as exc:
            self._error = str(exc)
        except Exception as exc:  # reported to the person, in the driver's own words
            self._error = str(getattr(exc, "orig", None) or exc) or type(exc).__name__
