"""Reasons from outside (a receiver, an exception, a file) joined with our own next sentence."""

from __future__ import annotations

# What already ends a sentence, and what may close one after its stop ("… (see the log.)").
_STOPS = (".", "!", "?", "…")
_CLOSERS = "\"')]»”’"


def full_stop(text: str) -> str:
    """The text as one sentence: trimmed, ending in exactly one stop ("" stays "").

    A reason already ending in a stop keeps its own; a dangling ":" or ";" (a reason that came
    back empty) goes rather than sit before the stop.
    """
    text = text.strip().rstrip(",;:").rstrip()
    if not text or text.rstrip(_CLOSERS).endswith(_STOPS):
        return text
    return text + "."


def sentences(*parts: str) -> str:
    """Parts joined as sentences, each ending in one stop, empty ones left out.

    `sentences("The portal refused the token (401): Missing token.", "Check Settings → Sync")`
    is "The portal refused the token (401): Missing token. Check Settings → Sync.", not "..".
    """
    return " ".join(done for done in map(full_stop, parts) if done)
