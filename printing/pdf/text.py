"""Text made safe for the PDF fonts: only what a face can draw, escaped for Paragraph markup."""

from __future__ import annotations

import re
import unicodedata
from xml.sax.saxutils import escape

from printing.pdf.fonts import WIDE, fonts, wide_glyphs

# Babel writes some locales with spaces and dashes that Helvetica (the fallback when DejaVu is
# not installed) lacks (en_US times use U+202F, fr_FR groups thousands with it); they map to
# look-alikes so dates and money stay readable in either face.
_LOOKALIKES = str.maketrans({
    "\u202f": "\u00a0",  # narrow no-break space
    "\u2007": "\u00a0",  # figure space
    "\u2009": " ",  # thin space
    "\u200a": " ",  # hair space
    "\u2002": " ",
    "\u2003": " ",
    "\u2010": "-",
    "\u2011": "-",  # non-breaking hyphen
    "\u2212": "-",  # minus sign
    "\u200b": "",  # zero-width space
    "\u00ad": "",  # soft hyphen: the faces would print it as a visible hyphen
    "\r": "",  # Windows line ends: the "\n" that follows is enough
})


_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d)")


def _drawable(ch: str) -> bool:
    if ch in "\n\t":
        return True
    if unicodedata.category(ch) == "Cc":
        return False
    return fonts().draws(ch)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_LOOKALIKES)


def safe(text: str) -> str:
    """Text the main face can draw: NFC-composed, look-alike spaces mapped, the rest as "?".

    For plain strings drawn on the canvas; a Paragraph takes markup(), which also draws
    Chinese, Japanese and Korean runs in the CJK face.
    """
    return "".join(ch if _drawable(ch) else "?" for ch in _clean(text))


def _wide(ch: str) -> bool:
    return unicodedata.category(ch) != "Cc" and ord(ch) in wide_glyphs()


def needs_markup(text: str) -> bool:
    """The text has characters only the CJK face draws: draw it as a Paragraph of markup()."""
    return any(not _drawable(ch) and _wide(ch) for ch in _clean(text))


def face_runs(text: str) -> list[tuple[str, bool]]:
    """The text in runs, each marked True where only the CJK face draws it; what neither face
    draws is "?" in the main face's runs."""
    runs: list[tuple[str, bool]] = []
    for ch in _clean(text):
        wide = not _drawable(ch) and _wide(ch)
        ch = ch if wide or _drawable(ch) else "?"
        if runs and runs[-1][1] == wide:
            runs[-1] = (runs[-1][0] + ch, wide)
        else:
            runs.append((ch, wide))
    return runs


def _runs(text: str) -> str:
    # Runs the main face lacks but the CJK face has are wrapped in a <font> tag of that face.
    return "".join(f'<font name="{WIDE}">{escape(run)}</font>' if wide else escape(run)
                   for run, wide in face_runs(text))


def markup(text: str) -> str:
    """Text escaped for a Paragraph (which parses its input as mini-XML), every character in a
    face that draws it."""
    # Digits split by single spaces (phone numbers like "+353 91 555 0101") stay on one line.
    return _DIGIT_SPACE.sub("\u00a0", _runs(text))
