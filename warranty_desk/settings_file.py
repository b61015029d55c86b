"""The settings export file (JSON or TOML): its layout, and reading it back with every problem.

The layout is written out below field by field, so a file with a key this version does not
know, a value of the wrong type or a missing key is refused whole, each problem named by where
it is in the file. It never holds a secret: no token, password, PIN or webhook secret is a
field here (they live in the secret store and the staff table, which the export never reads).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

import tomlkit

from warranty_desk.config import PrinterSettings, ScannerSettings, SyncSettings
from warranty_desk.errors import BadInput
from warranty_desk.storage.private import write_text

KIND = "Warranty Desk settings"
VERSION = 1
# A settings file is a few kilobytes; anything far larger is not one (and is not read whole).
MAX_BYTES = 4 * 1024 * 1024

# What a value must be: a type's name, or a nested layout (a table) or [layout] (a list of them).
Layout = dict[str, Any]
_WORDS = {"str": "a text in quotes", "int": "a whole number", "bool": "true or false",
          "int?": "a whole number, or left out for none", "strs": "a list of texts",
          "evidence": "a table of claim types, each a list of evidence kinds"}


def _of(kind: type[Any], *, leave_out: tuple[str, ...] = ()) -> Layout:
    """A config section's layout from its dataclass: each field as its default's type."""
    return {item.name: type(getattr(kind(), item.name)).__name__ for item in fields(kind)
            if item.name not in leave_out}


BRANCH: Layout = {"code": "str", "name": "str", "address": "str", "phone": "str",
                  "email": "str", "sync_branch": "str"}
SHOP: Layout = {"name": "str", "currency": "str", "locale": "str", "timezone": "str",
                "portal_url_template": "str", "reminder_days": "int",
                "follow_up_open_days": "int", "settlement_limit_minor": "int"}
# The till's config.toml; the sync branch is the branch's identity, kept under [branch].
TILL: Layout = {"theme": "str", "idle_minutes": "int", "portal_url_template": "str",
                "backup_keep_days": "int", "scanner": _of(ScannerSettings),
                "printing": _of(PrinterSettings), "sync": _of(SyncSettings, leave_out=("branch",))}
POLICY: Layout = {"name": "str", "manufacturer_months": "int", "shop_months": "int",
                  "terms": "str", "exclusions": "strs", "evidence_required": "evidence",
                  "serial_required": "bool", "claim_limit_count": "int?",
                  "claim_limit_period_months": "int", "override_roles": "strs",
                  "new_term_on_replacement": "bool", "message_edit_allowed": "bool",
                  "online_cover_from": "str"}
PLAN: Layout = {"name": "str", "code": "str", "months": "int", "price_minor": "int",
                "categories": "strs", "min_price_minor": "int", "max_price_minor": "int?",
                "max_days_since_sale": "int", "active": "bool"}
TERMS: Layout = {"supplier": "str", "kinds": "strs", "window_from": "str", "window_days": "int",
                 "stale_after_days": "int", "packet_profile": "str", "service_centre": "str"}
FILE: Layout = {"kind": "str", "version": "int", "exported_at": "str", "branch": BRANCH,
                "shop": SHOP, "till": TILL, "policies": [POLICY], "extension_plans": [PLAN],
                "supplier_terms": [TERMS]}


class SettingsRejected(BadInput):
    """A settings file with problems: nothing was imported, every problem is listed."""

    def __init__(self, file_name: str, problems: list[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        listed = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(f"Nothing was imported from {file_name}: {len(self.problems)} "
                         f"problem(s) to fix in the file (or export it again from the first "
                         f"branch), then import it again. Nothing was changed.\n{listed}")


def _fits(value: Any, kind: str) -> bool:
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "int?":
        return value is None or _fits(value, "int")
    if kind == "strs":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "evidence":
        return isinstance(value, dict) and all(_fits(v, "strs") for v in value.values())
    return type(value) is {"str": str, "bool": bool}[kind]


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "…"


def problems_in(value: Any, layout: Layout, where: str = "") -> list[str]:
    """Every way value is not the layout: unknown and missing keys, wrong types; by place.
    An optional number left out is filled in as None."""
    if not isinstance(value, dict):
        return [f"{where or 'the file'}: is {_shown(value)}, not a table of settings; export "
                "the file again from the first branch"]
    found: list[str] = []
    for key in value:
        if key not in layout:
            found.append(f"{where}{key}: is not a setting this version knows; remove it (a "
                         "file from a newer version must be imported into that version)")
    for key, kind in layout.items():
        place = f"{where}{key}"
        if key not in value:
            if kind == "int?":
                value[key] = None  # TOML has no empty value: left out is none
            else:
                found.append(f"{place}: is missing; add it, or export the file again")
            continue
        item = value[key]
        if isinstance(kind, dict):
            found += problems_in(item, kind, f"{place}.")
        elif isinstance(kind, list):
            if not isinstance(item, list):
                found.append(f"{place}: is {_shown(item)}, not a list; export the file again")
                continue
            for index, entry in enumerate(item):
                found += problems_in(entry, kind[0], f"{place}[{index + 1}].")
        elif not _fits(item, kind):
            found.append(f"{place}: is {_shown(item)}, not {_WORDS[kind]}; write "
                         f"{_WORDS[kind]} there")
    return found


def read(path: Path) -> dict[str, Any]:
    """The settings file, checked against the layout; SettingsRejected with every problem."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise BadInput(f"{path} cannot be read ({exc.strerror}). Check the file's name and "
                       "folder. Nothing was changed.") from None
    if len(raw) > MAX_BYTES:
        raise SettingsRejected(path.name, ["the file: is far larger than a settings file; "
                                           "pick the file `settings export` wrote"])
    try:
        text = raw.decode("utf-8")
        data: Any = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except UnicodeDecodeError:
        raise SettingsRejected(path.name, ["the file: is not text; pick the .json or .toml "
                                           "file `settings export` wrote"]) from None
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsRejected(path.name, [
            f"the file: is cut short or damaged ({exc}); copy it again from the first branch, "
            "or export it again"]) from None
    if isinstance(data, dict) and (data.get("kind"), data.get("version")) != (KIND, VERSION):
        version = data.get("version")
        raise SettingsRejected(path.name, [
            f"version: the file is {_shown(data.get('kind'))} version {_shown(version)}; this "
            f"Warranty Desk reads \"{KIND}\" version {VERSION}. Export it again with this "
            "version"])
    found = problems_in(data, FILE)
    if found:
        raise SettingsRejected(path.name, found)
    return dict(data)


def _without_nones(value: Any) -> Any:
    """TOML has no empty value: a None (no claim limit, no top price) is left out."""
    if isinstance(value, dict):
        return {k: _without_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nones(v) for v in value]
    return value


def write(path: Path, data: dict[str, Any]) -> Path:
    """Write the file whole or not at all: TOML for a .toml name, JSON for any other; where.

    The data is settings_transfer.gather's, which checks who asks: the writing is the caller's.
    """
    path = path.expanduser().absolute()
    if path.suffix.lower() == ".toml":
        text = tomlkit.dumps(_without_nones(data))
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if not path.parent.is_dir():
        raise BadInput(f"The folder {path.parent} does not exist. Pick another folder.")
    write_text(path, text)
    return path
