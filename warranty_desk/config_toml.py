"""config.toml written back: the settings merged into the file as people left it (tomlkit).

Apart from config.py because only saving needs tomlkit: reading uses tomllib, and the app reads
its settings at every start, where tomlkit's import alone costs more than the reading.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Item, Table
from tomlkit.toml_document import TOMLDocument

from warranty_desk.config import (
    PrinterSettings,
    ScannerSettings,
    Settings,
    SyncSettings,
    suffix_name,
)


def kept_with(path: Path, settings: Settings) -> str:
    """The file at path as TOML text with these settings' values (a fresh file if unreadable)."""
    return tomlkit.dumps(_merge(_kept(path), settings))


def fresh_with(settings: Settings) -> str:
    """A new file's text with these settings' values."""
    return tomlkit.dumps(_merge(_fresh(), settings))


# A new file's layout; the values go in as _merge puts them.
_SKELETON = """\
# Warranty Desk settings for this till. Change them under Settings > Devices.

[scanner]

[printing]

# Tokens and passwords are not kept here: see Settings > Sync.
[sync]
"""


def _fresh() -> TOMLDocument:
    return tomlkit.parse(_SKELETON)


def _kept(path: Path) -> TOMLDocument:
    """The file as people left it, comments and all; a fresh one when it cannot be read."""
    try:
        return tomlkit.parse(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, TOMLKitError):
        return _fresh()


def _values(settings: Settings) -> list[tuple[str, str, object]]:
    """(table, key, value) for every setting, in the file's order; "" is the top level."""
    found: list[tuple[str, str, object]] = [
        ("", "theme", settings.theme), ("", "idle_minutes", settings.idle_minutes),
        ("", "portal_url_template", settings.portal_url_template),
        ("", "backup_keep_days", settings.backup_keep_days)]
    for item in fields(ScannerSettings):
        value = getattr(settings.scanner, item.name)
        found.append(("scanner", item.name,
                      suffix_name(value) if item.name == "suffix" else value))
    found += [("printing", item.name, getattr(settings.printers, item.name))
              for item in fields(PrinterSettings)]
    found += [("sync", item.name, getattr(settings.sync, item.name))
              for item in fields(SyncSettings)]
    return found


def _table(document: TOMLDocument, name: str) -> Table:
    table = document.get(name)
    if isinstance(table, Table):
        return table
    table = tomlkit.table()
    if name in document:
        document[name] = table  # not a table (load() reset it): replaced
    else:
        document.add(name, table)
    return table


def _put(table: Table, key: str, value: object) -> None:
    """A key the table lacks goes after its last key, not after the comments that end it.

    Comments at a table's end are about what follows (the next table's heading).
    """
    body = table.value.body
    keyed = [index for index, (name, _) in enumerate(body) if name is not None]
    at = keyed[-1] + 1 if keyed else 0
    if at < len(body):
        table.value._insert_at(at, key, value)  # tomlkit has no public insert
    else:
        table[key] = value


def _merge(document: TOMLDocument, settings: Settings) -> TOMLDocument:
    """The document with each setting's value; values already right are left untouched."""
    for name, key, value in _values(settings):
        place: TOMLDocument | Table = _table(document, name) if name else document
        if key not in place:
            # At the top level tomlkit puts a new key before the first table itself.
            if isinstance(place, Table):
                _put(place, key, value)
            else:
                place[key] = value
            continue
        current = place[key]
        if isinstance(current, Item):
            current = current.unwrap()
        if current != value or type(current) is not type(value):
            place[key] = value  # the comment on its line stays
    return document
