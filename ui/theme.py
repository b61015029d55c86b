"""Light and dark themes from the stylesheets in resources/ui."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from warranty_desk.resources import resource_dir

THEMES = ("light", "dark")


def apply_theme(app: QApplication, name: str = "light") -> None:
    """Load a theme's stylesheet; an unknown name falls back to light."""
    chosen = name if name in THEMES else "light"
    app.setStyleSheet((resource_dir() / "ui" / f"{chosen}.qss").read_text("utf-8"))
    app.setProperty("theme", chosen)
