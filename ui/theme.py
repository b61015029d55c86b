"""Light and dark themes from the stylesheets in resources/ui."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from warranty_desk.resources import resource_dir

THEMES = ("light", "dark")


def apply_theme(app: QApplication, name: str = "light") -> None:
    """Load a theme's stylesheet; an unknown name falls back to light."""
    chosen = name if name in THEMES else "light"
    folder = resource_dir() / "ui"
    # Stylesheet urls are relative to the working folder, so the icons' place is filled in.
    sheet = (folder / f"{chosen}.qss").read_text("utf-8")
    app.setStyleSheet(sheet.replace("@ICONS@", (folder / "icons").as_posix()))
    app.setProperty("theme", chosen)
