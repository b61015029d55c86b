"""The warranty policies a new shop is offered to start from, read from resources/presets."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass

from warranty_desk.resources import resource_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PolicyDraft:
    """One policy as the presets file writes it and the setup shows it: edited, and whether
    it is wanted."""

    name: str
    months: int
    shop_months: int = 0
    terms: str = ""
    exclusions: tuple[str, ...] = ()
    chosen: bool = True


def _preset(entry: object) -> PolicyDraft | None:
    if not isinstance(entry, dict):
        return None
    name, months = entry.get("name"), entry.get("months")
    if not isinstance(name, str) or not isinstance(months, int):
        return None
    shop_months = entry.get("shop_months", 0)
    exclusions = entry.get("exclusions", [])
    return PolicyDraft(name, months, shop_months if isinstance(shop_months, int) else 0,
                        str(entry.get("terms", "")),
                        tuple(str(x) for x in exclusions) if isinstance(exclusions, list) else ())


def load_policy_presets() -> tuple[PolicyDraft, ...]:
    """The presets in the file's order; none when the file cannot be read (then the owner
    types each policy)."""
    path = resource_dir() / "presets" / "policies.toml"
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        log.warning("policy presets unreadable at %s", path, exc_info=True)
        return ()
    entries = data.get("policy", [])
    found = [_preset(e) for e in entries] if isinstance(entries, list) else []
    return tuple(p for p in found if p is not None)
