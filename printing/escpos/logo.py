"""A picture (the shop's logo, a signature) as an ESC/POS raster image (GS v 0), cached."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, UnidentifiedImageError

# A logo is a greeting, not a poster: at most half the roll wide and about 15 mm tall.
MAX_HEIGHT_DOTS = 120
# Darker than this prints as a black dot; thermal paper has no grey.
THRESHOLD = 160


@lru_cache(maxsize=8)
def raster(png: bytes, paper_dots: int, *, share: float = 0.5,
           max_height: int = MAX_HEIGHT_DOTS) -> bytes | None:
    """GS v 0 bytes for the picture (at most `share` of the roll wide and `max_height` dots
    tall), or None when it cannot be read (never an error: a receipt without its logo is
    better than no receipt)."""
    try:
        opened = Image.open(io.BytesIO(png))
        opened.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    image: Image.Image = opened
    if image.mode in ("RGBA", "LA", "P"):
        # Transparent parts of a logo are paper, not ink.
        backing = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(backing, image.convert("RGBA"))
    grey = image.convert("L")
    scale = min(paper_dots * share / grey.width, max_height / grey.height, 1.0)
    width, height = max(8, round(grey.width * scale)), max(1, round(grey.height * scale))
    grey = grey.resize((width, height), Image.Resampling.LANCZOS)
    ink = grey.point(lambda v: 255 if v < THRESHOLD else 0).convert("1")
    # Rows are padded to whole bytes; PIL's 1-bit raw form is already MSB-first rows.
    padded = Image.new("1", ((width + 7) // 8 * 8, height), 0)
    padded.paste(ink, (0, 0))
    data = padded.tobytes()
    row_bytes = padded.width // 8
    return (b"\x1dv0\x00" + bytes([row_bytes % 256, row_bytes // 256, height % 256,
                                   height // 256]) + data)
