"""Text made safe for reportlab's built-in Helvetica: cp1252 only, escaped for Paragraph markup."""

from __future__ import annotations

import re
import unicodedata
from xml.sax.saxutils import escape

# Babel writes some locales with spaces and dashes outside cp1252 (en_US times use U+202F,
# fr_FR groups thousands with it); map them to look-alikes so dates and money stay readable.
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
    "\u00ad": "",  # soft hyphen: Helvetica would print it as a visible hyphen
    "\r": "",  # Windows line ends: the "\n" that follows is enough
})


_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d)")


def _drawable(ch: str) -> bool:
    # The standard fonts are WinAnsi (cp1252) encoded: anything else has no glyph.
    if ch in "\n\t":
        return True
    if unicodedata.category(ch) == "Cc":
        return False
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def safe(text: str) -> str:
    """Text Helvetica can draw: NFC-composed, look-alike spaces mapped, the rest as "?"."""
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES)
    return "".join(ch if _drawable(ch) else "?" for ch in text)


def markup(text: str) -> str:
    """Safe text escaped for a Paragraph (which parses its input as mini-XML)."""
    # Digits split by single spaces (phone numbers like "+353 91 555 0101") stay on one line.
    return _DIGIT_SPACE.sub("\u00a0", escape(safe(text)))
