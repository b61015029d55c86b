"""Text made safe for the printer and wrapped at word boundaries to a column count."""

from __future__ import annotations

import re
import unicodedata

NBSP = "\u00a0"
# The code page has no typographic dashes or quotes; plain equivalents print everywhere.
# Babel puts (narrow) no-break spaces where a break would split a value, e.g. "147,00 €";
# they stay no-break until the row is printed.
_PLAIN = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2026": "...", "\u202f": NBSP, "\u2007": NBSP, "\u2009": " ", "\t": " ", "\r": "",
    "\u00ad": None, "\u200b": None,
})
# Control bytes in a name or fault text would be taken as printer commands.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# A phone number's groups belong on one row: "+353 91 555 0101".
_NUMBER_GROUP = re.compile(r"\+?\d+")


def clean(text: str) -> str:
    """Text in composed form, typography made plain, control characters dropped."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text).translate(_PLAIN))


def printable(text: str) -> str:
    """Clean text as it goes to the printer, no-break spaces printed as spaces."""
    return clean(text).replace(NBSP, " ")


def _words(paragraph: str, width: int) -> list[str]:
    words: list[str] = []
    for word in paragraph.split(" "):
        if not word:
            continue
        if (words and _NUMBER_GROUP.fullmatch(word)
                and _NUMBER_GROUP.fullmatch(words[-1].rsplit(NBSP, 1)[-1])
                and len(words[-1]) + 1 + len(word) <= width):
            words[-1] = f"{words[-1]}{NBSP}{word}"
        else:
            words.append(word)
    return words


def wrap(text: str, width: int) -> list[str]:
    """Rows of at most width characters, broken between words; over-long words are split."""
    rows: list[str] = []
    for paragraph in clean(text).split("\n"):
        row = ""
        for word in _words(paragraph, width):
            while len(word) > width:
                if row:
                    rows.append(row)
                    row = ""
                rows.append(word[:width])
                word = word[width:]
            if not word:
                continue
            if not row:
                row = word
            elif len(row) + 1 + len(word) <= width:
                row = f"{row} {word}"
            else:
                rows.append(row)
                row = word
        if row:
            rows.append(row)
    return [row.replace(NBSP, " ") for row in rows]


def balanced(text: str, width: int) -> list[str]:
    """Like wrap, but with rows as even as the same row count allows (for centred text)."""
    rows = wrap(text, width)
    # Narrow the measure while the row count holds, so a centred note does not end in
    # one stray word.
    while len(rows) > 1 and width > 1:
        narrower = wrap(text, width - 1)
        if len(narrower) != len(rows):
            break
        rows, width = narrower, width - 1
    return rows
