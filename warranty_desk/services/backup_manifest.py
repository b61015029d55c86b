"""A backup's manifest beside it: its size, sha256, schema, shop and time, checked on restore.

SQLite's own integrity check passes a file cut short by a byte (the missing tail reads as
zeros) or a byte changed inside the schema's text; only the hash taken when the backup was
written tells such a file from the one written. The manifest is a small JSON file named after
the backup (`backup.sqlite3.manifest.json`) and goes wherever the backup goes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from warranty_desk.errors import BadInput
from warranty_desk.storage.private import write_json

SUFFIX = ".manifest.json"
KIND = "Warranty Desk backup manifest"
VERSION = 1
# A manifest is a few hundred bytes; anything far larger is not one (and is not read whole).
MAX_BYTES = 64 * 1024
NOTHING_CHANGED = "Nothing was changed; pick another backup."


@dataclass(frozen=True, slots=True)
class Contents:
    """What a backup file holds, read from the file itself: its schema and its shop."""

    schema: str  # the Alembic revision
    shop_id: str  # the shop row's id, hex
    branch: str
    shop_name: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """What was written: the file's name, size and sha256, what it holds, and when."""

    file: str
    bytes: int
    sha256: str
    schema: str
    shop_id: str
    branch: str
    shop_name: str
    made_at: str  # ISO 8601 instant, from the database's clock

    @classmethod
    def of(cls, path: Path, size: int, sha256: str, contents: Contents, made_at: str
           ) -> Manifest:
        """The manifest of a backup file just written."""
        return cls(file=path.name, bytes=size, sha256=sha256, schema=contents.schema,
                   shop_id=contents.shop_id, branch=contents.branch,
                   shop_name=contents.shop_name, made_at=made_at)


def refusal(shown: str, problem: str) -> BadInput:
    """The one way a refused restore is said: the file, what is wrong, nothing changed."""
    return BadInput(f"{shown} {problem}. {NOTHING_CHANGED}")


def path_of(backup: Path) -> Path:
    """Where a backup's manifest is: beside it, named after it."""
    return backup.with_name(backup.name + SUFFIX)


def write(backup: Path, manifest: Manifest) -> Path:
    """Write the manifest beside the backup (owner-only, whole or not at all); its path."""
    target = path_of(backup)
    write_json(target, {"kind": KIND, "version": VERSION, **asdict(manifest)}, indent=2)
    return target


def missing(backup: Path, shown: str) -> BadInput:
    """The refusal of a backup that has no manifest beside it."""
    return refusal(shown, (
        f"has no manifest beside it ({path_of(backup).name}), so nothing shows it is the file "
        "the backup wrote. Copy that file from where the backup came from into the same "
        "folder, then restore again"))


def read(backup: Path, shown: str) -> Manifest | None:
    """The manifest beside a backup, None when there is none; a refusal when it is not one."""
    path = path_of(backup)
    if not path.is_file():
        return None
    damaged = refusal(shown, f"cannot be checked: its manifest ({path.name}) is damaged or is "
                             "not a Warranty Desk backup manifest")
    with path.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    try:
        body: Any = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_BYTES else None
    except (UnicodeDecodeError, ValueError):
        raise damaged from None
    if not isinstance(body, dict) or body.get("kind") != KIND or body.get("version") != VERSION:
        raise damaged
    values: dict[str, Any] = {}
    for field in fields(Manifest):
        value = body.get(field.name)
        wanted = int if field.name == "bytes" else str
        if type(value) is not wanted:
            raise damaged
        values[field.name] = value
    return Manifest(**values)


def check_file(manifest: Manifest, size: int, sha256: str, shown: str) -> None:
    """Refuse a file whose size or hash is not what its manifest says was written."""
    if size != manifest.bytes:
        change = "cut short" if size < manifest.bytes else "added to"
        raise refusal(shown, (
            f"is {size:,} bytes, but its manifest says {manifest.bytes:,} were written: the "
            f"file was {change} since (a copy that did not finish, or a failing drive)"))
    if sha256 != manifest.sha256:
        raise refusal(shown, (
            "does not match its manifest: some of its bytes changed since the backup was made "
            "(a failing drive or memory stick, or the file was edited)"))


def check_contents(manifest: Manifest, contents: Contents, shown: str) -> None:
    """Refuse a file whose schema or shop is not the one its manifest names."""
    if contents.schema != manifest.schema:
        raise refusal(shown, (f"holds schema {contents.schema}, but its manifest says "
                              f"{manifest.schema}: it is not the backup the manifest was made "
                              "for"))
    if (contents.shop_id, contents.branch) != (manifest.shop_id, manifest.branch):
        raise refusal(shown, (f"holds the shop of branch {contents.branch}, but its manifest "
                              f"was made for branch {manifest.branch}: it is not the backup "
                              "the manifest was made for"))
