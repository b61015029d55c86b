"""The Unicode fonts every PDF embeds: DejaVu Sans for most scripts, a CJK face for the rest.

The names below are the ones every layout draws with. Where DejaVu Sans is installed (Debian's
fonts-dejavu-core) they are its faces, embedded as subsets, so Greek, Cyrillic, Polish or
Turkish names print as written. Where it is not, they fall back to reportlab's built-in
Helvetica, which draws only cp1252 (text.safe then prints the rest as "?"). Chinese, Japanese
and Korean text has no glyphs in DejaVu: WenQuanYi Micro Hei (fonts-wqy-microhei; Noto CJK is
PostScript-outlined, which reportlab cannot embed) draws those runs when it is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from warranty_desk.resources import resource_dir

REGULAR = "WD-Sans"
BOLD = "WD-Sans-Bold"
ITALIC = "WD-Sans-Oblique"
WIDE = "WD-Wide"  # the CJK face, used only for the runs DejaVu cannot draw

# Where Debian (and most Linux distributions) install the faces; an installer for a system
# without them ships the files in the resources folder's fonts/.
_SYSTEM_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu"),
)
_WIDE_FILE = "wqy-microhei.ttc"
_WIDE_SYSTEM = Path("/usr/share/fonts/truetype/wqy")
_FACES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf",
          ITALIC: "DejaVuSans-Oblique.ttf"}
_BUILT_IN = {REGULAR: "Helvetica", BOLD: "Helvetica-Bold", ITALIC: "Helvetica-Oblique"}


@dataclass(frozen=True, slots=True)
class FontSet:
    """What the registered fonts can draw."""

    unicode: bool  # DejaVu is embedded; False: the built-in Helvetica (cp1252 only)
    glyphs: frozenset[int]  # code points the main face draws (empty for Helvetica)

    def draws(self, ch: str) -> bool:
        """The main face has a glyph for this character."""
        if not self.unicode:
            try:
                ch.encode("cp1252")
            except UnicodeEncodeError:
                return False
            return True
        return ord(ch) in self.glyphs


def _find(name: str, *system: Path) -> Path | None:
    folders = (resource_dir() / "fonts", *system)
    return next((folder / name for folder in folders if (folder / name).is_file()), None)


@lru_cache(maxsize=1)
def fonts() -> FontSet:
    """Register the faces under the layout names (once) and say what they draw."""
    paths = {name: _find(file, *_SYSTEM_FOLDERS) for name, file in _FACES.items()}
    if all(paths.values()):
        faces = {name: TTFont(name, str(path)) for name, path in paths.items()}
        for face in faces.values():
            pdfmetrics.registerFont(face)
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC,
                                      boldItalic=BOLD)
        return FontSet(True, frozenset(faces[REGULAR].face.charToGlyph))
    for name, built_in in _BUILT_IN.items():
        pdfmetrics.registerFont(pdfmetrics.Font(name, built_in, "WinAnsiEncoding"))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD)
    return FontSet(False, frozenset())


@lru_cache(maxsize=1)
def wide_glyphs() -> frozenset[int]:
    """Code points the CJK face draws, registering it on first use (it is a 5 MB file, read
    only when a document has such text); empty when it is not installed."""
    path = _find(_WIDE_FILE, _WIDE_SYSTEM)
    if path is None or not fonts().unicode:
        return frozenset()
    face = TTFont(WIDE, str(path), subfontIndex=0)
    pdfmetrics.registerFont(face)
    return frozenset(face.face.charToGlyph)
