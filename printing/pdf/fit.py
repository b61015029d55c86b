"""Fitting text into a fixed box (labels): wrap at spaces, shrink, and only then shorten."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

ELLIPSIS = "\u2026"  # in cp1252 too, so the Helvetica fallback draws it


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the box is cut between letters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while stringWidth(word, font, size) > width and len(word) > 1:
            if line:
                lines.append(line)
                line = ""
            cut = len(word) - 1
            while cut > 1 and stringWidth(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if line and stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def fit(text: str, font: str, width: float, *, largest: float, smallest: float,
        max_lines: int = 1) -> tuple[float, list[str]]:
    """The largest size (down to `smallest`) at which text fits in max_lines of width.

    If it does not fit even at the smallest size, the last line is shortened with an ellipsis
    rather than running off the label.
    """
    size = largest
    while True:
        lines = wrap(text, font, size, width)
        if len(lines) <= max_lines:
            return size, lines
        if size - 0.25 < smallest:
            break
        size -= 0.25
    kept = lines[:max_lines]
    last = kept[-1]
    while last and stringWidth(last + ELLIPSIS, font, size) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + ELLIPSIS
    return size, kept


def shorten(text: str, font: str, size: float, width: float) -> str:
    """Text on one line no wider than width, ending in an ellipsis if it had to be cut."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS
