"""The app turns PySide's `__feature__` scan off, so no module of it may use feature switches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_of_the_app_switches_pyside_features_on() -> None:
    # ui/feature_scan.py tells PySide no module does; one that did would silently get none.
    users = [str(path.relative_to(ROOT)) for package in ("ui", "warranty_desk", "printing", "sync")
             for path in (ROOT / package).rglob("*.py")
             if "__feature__" in path.read_text("utf-8") and path.name != "feature_scan.py"]
    assert users == []


def test_with_the_scan_off_qt_still_works_from_a_module_imported_after_it() -> None:
    code = """
import sys
from ui.feature_scan import skip_feature_scan
from PySide6.QtWidgets import QApplication
assert skip_feature_scan()
from PySide6.QtWidgets import QLabel
app = QApplication([])
label = QLabel("x")
label.setText("scanned")
from ui.widgets.styling import show_level
show_level(label, "shown", "info")
# -1 is "switches no features"; with the scan, a module saying PySide6 would get 0.
found = sys.modules["PySide6.support.feature"].pyside_feature_dict
print(label.text(), found["ui.widgets.styling"])
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""}).stdout
    assert out.split() == ["shown", "-1"]
