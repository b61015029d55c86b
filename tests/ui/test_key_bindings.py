"""Every key of the app is bound by ui.keys.bind_key, and a binding acts only where it says."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from ui.keys import IN_WIDGET_AND_CHILDREN, ON_WIDGET, bind_key

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ROOT = Path(__file__).resolve().parents[2]


def _names_qshortcut(path: Path) -> bool:
    return any(isinstance(node, ast.Name | ast.alias) and
               (node.id if isinstance(node, ast.Name) else node.name) == "QShortcut"
               for node in ast.walk(ast.parse(path.read_text("utf-8"))))


def test_no_module_but_ui_keys_makes_a_qshortcut() -> None:
    found = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "ui").rglob("*.py"))
             if _names_qshortcut(p)]
    assert found == ["ui/keys.py"]


def test_a_key_bound_inside_a_panel_acts_from_its_field_and_not_from_a_neighbour(
        qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    column = QVBoxLayout(window)
    panel, neighbour = QWidget(), QLineEdit()
    field = QLineEdit(panel)
    QVBoxLayout(panel).addWidget(field)
    column.addWidget(panel)
    column.addWidget(neighbour)
    pressed: list[str] = []
    bind_key(panel, "Ctrl+Shift+W", lambda: pressed.append("panel"), where=IN_WIDGET_AND_CHILDREN)
    bind_key(neighbour, Qt.Key.Key_F8, lambda: pressed.append("neighbour"), where=ON_WIDGET)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_W, CTRL_SHIFT)
    qtbot.keyClick(field, Qt.Key.Key_F8)
    neighbour.setFocus()
    qtbot.keyClick(neighbour, Qt.Key.Key_W, CTRL_SHIFT)
    qtbot.keyClick(neighbour, Qt.Key.Key_F8)
    assert pressed == ["panel", "neighbour"]
