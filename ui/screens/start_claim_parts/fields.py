"""What the claim forms share: fault presets and the drop-downs that offer them."""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox

from warranty_desk.resources import resource_dir

log = logging.getLogger(__name__)



@functools.cache
def load_faults() -> dict[str, tuple[str, ...]]:
    """Common faults by category from resources/presets/faults.toml (read once)."""
    path = resource_dir() / "presets" / "faults.toml"
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        # Presets only speed typing up; without them staff type the fault in full.
        log.warning("fault presets unreadable at %s", path, exc_info=True)
        return {}
    faults = data.get("faults", {})
    return {str(k).casefold(): tuple(str(x) for x in v) for k, v in faults.items()
            if isinstance(v, list)}


def faults_for(category: str | None) -> tuple[str, ...]:
    """The category's common faults, or every preset when the category is unknown."""
    presets = load_faults()
    if category and category.casefold() in presets:
        return presets[category.casefold()]
    return tuple(f for faults in presets.values() for f in faults)


def combo(words: dict[str, str], values: Sequence[str]) -> QComboBox:
    """A drop-down of values shown in words, the value kept as the item's data."""
    box = QComboBox()
    for value in values:
        box.addItem(words.get(value, value.replace("_", " ")), value)
    return box


def fault_box(faults: Sequence[str]) -> QComboBox:
    """The fault field: pick a preset or type the customer's own words."""
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    set_faults(box, faults)
    line = box.lineEdit()
    if line is not None:
        line.setPlaceholderText("Pick a common fault or type the customer's own words")
    return box


def set_faults(box: QComboBox, faults: Sequence[str]) -> None:
    """Offer these presets, with nothing picked yet."""
    box.clear()
    box.addItems(list(faults))
    box.setCurrentIndex(-1)
