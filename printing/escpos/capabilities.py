"""Where python-escpos keeps its parsed printer profiles between runs.

python-escpos parses a large YAML file of printer capabilities on import (about half a second)
unless it finds a pickle of it, and by default it looks for that pickle in a new temporary
folder each run, so it never does. Pointing it at one lasting cache folder makes every start
after the first load the pickle instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def use_lasting_cache() -> None:
    """Set the cache folder for python-escpos (unless the person set one), before its import."""
    if os.environ.get(ENV):
        return
    folder = Path(user_cache_dir("warranty-desk")) / "escpos"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # a read-only home: python-escpos falls back to its temporary folder
    os.environ[ENV] = str(folder)
