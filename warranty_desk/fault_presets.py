"""The common faults offered first when a claim is started, by product category.

Read from resources/presets/faults.toml by the till's claim forms and by the customer portal's
Start a claim alike, so both offer a category the same list.
"""

from __future__ import annotations

import functools
import logging
import tomllib

from warranty_desk.resources import resource_dir

log = logging.getLogger(__name__)


@functools.cache
def load_faults() -> dict[str, tuple[str, ...]]:
    """Common faults by category from resources/presets/faults.toml (read once)."""
    path = resource_dir() / "presets" / "faults.toml"
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        # Presets only speed typing up; without them the fault is typed in full.
        log.warning("fault presets unreadable at %s", path, exc_info=True)
        return {}
    faults = data.get("faults", {})
    return {str(k).casefold(): tuple(str(x) for x in v) for k, v in faults.items()
            if isinstance(v, list)}


def category_faults(category: str | None) -> tuple[str, ...]:
    """The category's own common faults; empty when the presets name no such category."""
    return load_faults().get((category or "").casefold(), ())


def faults_for(category: str | None) -> tuple[str, ...]:
    """The category's common faults, or every preset when the category is unknown."""
    return category_faults(category) or tuple(
        f for faults in load_faults().values() for f in faults)
