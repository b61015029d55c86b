"""The home folder: database, documents, config and logs for one shop install."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "WARRANTY_DESK_HOME"


@dataclass(frozen=True, slots=True)
class Home:
    """Paths under one home folder."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "warranty-desk.sqlite3"

    @property
    def documents(self) -> Path:
        return self.root / "documents"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def backups(self) -> Path:
        """Where restore keeps its safety copies."""
        return self.root / "backups"

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    def ensure(self) -> Home:
        """Create the folders if they are missing; owner-only because they hold customer data."""
        for path in (self.root, self.documents, self.logs):
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Home:
    """`--home DIR` first, then WARRANTY_DESK_HOME, then the platform's user data dir."""
    if explicit:
        return Home(Path(explicit).expanduser().resolve())
    env = os.environ.get(HOME_ENV)
    if env:
        return Home(Path(env).expanduser().resolve())
    import platformdirs  # only here: most starts name the folder (about 5 ms of start-up)

    return Home(Path(platformdirs.user_data_dir("warranty-desk", appauthor=False)))
