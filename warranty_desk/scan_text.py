"""What a scanner or a paste adds to a string, taken off: controls, runs of spaces, dashes."""

from __future__ import annotations

import re

GS = "\x1d"  # ASCII group separator: how scanners send GS1's FNC1 field separator.

# Controls a scanner or a paste can add (NUL, ESC, the RS/EOT of ISO 15434 envelopes, DEL, C1,
# byte-order mark, zero-width space). Tab, CR, LF, VT, FF and NEL are whitespace instead, and GS
# is kept because it separates GS1 fields.
_DROP_RE = re.compile("[\x00-\x08\x0e-\x1c\x1e\x1f\x7f-\x84\x86-\x9f\u200b\ufeff]")
_SPACES_RE = re.compile(r"[^\S\x1d]+")  # any run of whitespace except GS, which str.split eats
# Word processors turn "-" into these when a code is pasted from an e-mail or a PDF.
DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-")
)


def clean(text: str) -> str:
    """Drop control characters, make every run of whitespace one space, trim spaces and GS."""
    collapsed = _SPACES_RE.sub(" ", _DROP_RE.sub("", text))
    return collapsed.strip(" " + GS)


def without_gs(text: str) -> str:
    """Drop GS once GS1 parsing is over: anywhere else it is scanner noise."""
    return _SPACES_RE.sub(" ", text.replace(GS, "")).strip(" ") if GS in text else text
