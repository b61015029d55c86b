"""Spares every import PySide's source scan for `__feature__`: this app switches no features on."""

from __future__ import annotations

import sys

# PySide 6 (PYSIDE-2029) reads the whole source file of every module imported after it, to note
# whether the module mentions PySide6 and so may later turn on `from __feature__ import
# snake_case` or `true_property`. This app never does (tests/ui/test_feature_scan.py keeps it
# so). The start imports some 380 modules after the first window (SQLAlchemy, the models, ...)
# and reading them costs about 50 ms, a tenth of the start, for an answer nobody asks. Without
# the scan PySide takes every module as one that switches no features, which each of them is.
_FEATURE_MODULE = "PySide6.support.feature"


def skip_feature_scan() -> bool:
    """Tell PySide no module uses feature switches; False where this PySide has no such scan."""
    feature = sys.modules.get(_FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _switches_no_features  # type: ignore[attr-defined]
    return True


def _switches_no_features(module: object) -> bool:
    return False
