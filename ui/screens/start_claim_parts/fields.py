"""What the claim forms share: fault presets and the drop-downs that offer them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox


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
