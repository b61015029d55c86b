"""What this install is: its version, the schema it expects and its database's, its folders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warranty_desk.storage import schema
from warranty_desk.storage.home import Home

DISTRIBUTION = "warranty-desk"  # the project's name in pyproject.toml
# Run from a checkout that was never installed, the version is read where it is kept.
_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def app_version() -> str:
    """The installed package's version, else the checkout's pyproject.toml's, else "unknown"."""
    # Imported here: the command line imports this module, and importlib.metadata alone costs
    # a third of an empty window's start, before the app's first window, which never asks.
    import importlib.metadata
    import tomllib

    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        with _PYPROJECT.open("rb") as handle:
            project = tomllib.load(handle).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return "unknown"
    if project.get("name") != DISTRIBUTION:  # some other project's file
        return "unknown"
    return str(project.get("version", "unknown"))


@dataclass(frozen=True, slots=True)
class About:
    """The facts support asks for first."""

    version: str
    schema: str  # the revision this build expects
    home: Home
    home_exists: bool
    # The database's revision ("0025"), or None: no database yet, or one never set up.
    database_schema: str | None
    database_exists: bool


def about(home: Home) -> About:
    """Looked up without creating anything: a fresh machine keeps no trace of being asked."""
    database_exists = home.database.is_file()
    revisions = schema.file_revisions(home.database) if database_exists else None
    return About(version=app_version(), schema=schema.HEAD, home=home,
                 home_exists=home.root.is_dir(),
                 database_schema=", ".join(revisions) if revisions else None,
                 database_exists=database_exists)


def _database_words(facts: About) -> str:
    if not facts.home_exists:
        return "none yet (no home folder)"
    if not facts.database_exists:
        return "none yet (`warranty-desk init` makes it)"
    if facts.database_schema is None:
        return "not set up (`warranty-desk init` sets it up)"
    if facts.database_schema != facts.schema:
        return f"{facts.database_schema} (this build expects {facts.schema})"
    return facts.database_schema


def lines(facts: About) -> list[str]:
    """The facts as plain lines, "Name: value", the same for `--version` and the About box."""
    root = facts.home.root
    shown = [f"Warranty Desk {facts.version}",
             f"Schema this build expects: {facts.schema}",
             f"Database schema: {_database_words(facts)}",
             f"Home folder: {root}" + ("" if facts.home_exists else " (not created yet)")]
    if facts.home_exists:
        shown += [f"Database: {facts.home.database}", f"Logs: {facts.home.logs}",
                  f"Backups: {facts.home.backups}"]
    return shown
