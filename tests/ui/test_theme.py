"""Both themes load whole: every icon the stylesheets name is there and Qt can draw it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from ui.theme import THEMES, apply_theme


@pytest.mark.parametrize("theme", THEMES)
def test_every_icon_a_theme_names_exists_and_renders(qapp: QApplication, theme: str) -> None:
    apply_theme(qapp, theme)
    sheet = qapp.styleSheet()
    assert "@ICONS@" not in sheet
    urls = re.findall(r"url\(([^)]+)\)", sheet)
    assert len(urls) >= 3  # the spin box arrows and the check box tick
    for url in urls:
        image = QImage(url)
        assert Path(url).is_file() and not image.isNull(), url
        # Drawn, not blank: some pixel is not fully transparent.
        assert any(image.pixelColor(x, y).alpha() > 0
                   for x in range(image.width()) for y in range(image.height())), url
    apply_theme(qapp, "light")
